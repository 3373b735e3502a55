from django.contrib import admin

from .models import Revision, Story, StoryQuestion, StoryTheme


class StoryQuestionInline(admin.TabularInline):
    model = StoryQuestion
    extra = 0


class StoryThemeInline(admin.TabularInline):
    model = StoryTheme
    extra = 0


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "updated", "deleted_at"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["checked_points"]
    inlines = [StoryThemeInline, StoryQuestionInline]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["story", "version", "created"]
    raw_id_fields = ["story"]
