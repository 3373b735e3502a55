"""Views by topic: editor, library."""

from django.shortcuts import get_object_or_404

from ..models import Story


def get_story(request, pk, queryset=None):
    """The user's own live story: another user's id, or a trashed one, is a 404."""
    queryset = Story.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.for_user(request.user).alive(), pk=pk)
