from django.contrib import admin

from .models import (
    Guideline,
    NegotiationNote,
    Playbook,
    QuestionCategory,
    QuestionToAsk,
    SampleQuestion,
    StarPrompt,
    Theme,
    ThemePoint,
)


class SampleQuestionInline(admin.TabularInline):
    model = SampleQuestion
    extra = 0


class StarPromptInline(admin.TabularInline):
    model = StarPrompt
    extra = 0


class ThemePointInline(admin.TabularInline):
    model = ThemePoint
    extra = 0


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "target_min", "target_max"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SampleQuestionInline, StarPromptInline, ThemePointInline]


class QuestionToAskInline(admin.TabularInline):
    model = QuestionToAsk
    extra = 0


@admin.register(QuestionCategory)
class QuestionCategoryAdmin(admin.ModelAdmin):
    list_display = ["playbook", "position", "title"]
    list_filter = ["playbook"]
    inlines = [QuestionToAskInline]


@admin.register(Guideline)
class PositionedTextAdmin(admin.ModelAdmin):
    list_display = ["position", "text"]


@admin.register(NegotiationNote)
class NegotiationNoteAdmin(admin.ModelAdmin):
    list_display = ["playbook", "position", "text"]
    list_filter = ["playbook"]


admin.site.register([Playbook, SampleQuestion, StarPrompt, ThemePoint, QuestionToAsk])
