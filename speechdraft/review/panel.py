"""What the review panel beside the editor shows; rendered by the editor's include and by htmx swaps."""

from . import services
from .forms import SendForm


def panel_context(request, speech, **extra) -> dict:
    state = services.state_of(speech)
    return {
        "speech": speech,
        "state": state,
        "stage": state.get_stage_display(),
        "is_owner": speech.owner_id == request.user.pk,
        "is_reviewer": services.is_reviewer(speech, request.user),
        "edited_after_final": services.edited_after_final(speech),
        "send_form": SendForm(reviewers=services.reviewer_choices(speech)),
        "comments": services.placed_comments(speech),
        "request": request,
        **extra,
    }
