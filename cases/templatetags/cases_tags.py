from django import template

register = template.Library()


@register.filter
def get_notes(notes: dict, key) -> list[int]:
    """Footnote numbers of a row or column (an empty list when it has none)."""
    return notes.get(key, [])


@register.filter
def index(items, position: int):
    return items[position]
