from django import template

from speechdraft.review import services

register = template.Library()


@register.inclusion_tag("review/stage_history.html")
def stage_history(speech):
    return {"changes": services.stage_history(speech), "state": services.state_of(speech)}


@register.inclusion_tag("review/pending.html", takes_context=True)
def pending_reviews(context):
    user = context["request"].user
    return {
        "assignments": list(services.pending_reviews(user)[:20]),
        "came_back": list(services.came_back(user)[:20]),
    }


@register.inclusion_tag("review/open_comments.html")
def open_comments(speech):
    return {"comments": services.placed_comments(speech, open_only=True), "speech": speech}
