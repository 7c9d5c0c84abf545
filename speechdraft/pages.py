"""How views answer the browser: one page-or-fragment helper, and 401 JSON for the editor's scripts.

Every app's views may import this module; it imports nothing from the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request: HttpRequest, target: str | None = None) -> bool:
    """True for an htmx request that swaps part of a page (aimed at ``target`` when given).

    A history-restore request is htmx asking for a whole page: the user pressed Back to a URL an htmx
    request had pushed and the page was not in htmx's cache. Answering it with a fragment would show
    a bare piece of page.
    """
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.history_restore_request:
        return False
    return target is None or htmx.target == target


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    fragments: dict[str | None, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``template``, or one of its partials for an htmx request.

    ``fragments`` maps an htmx target id to the partial that fills it (a partial of ``template``, or
    ``"other.html#partial"``); the key ``None`` is the partial for any other htmx request. The answer varies on HX-Request, so a cache (the browser's
    own included) never serves a fragment for a page or the reverse.
    """
    fragments = fragments or {}
    partial = next(
        (p for target, p in fragments.items() if target is not None and wants_fragment(request, target)),
        fragments.get(None) if wants_fragment(request) else None,
    )
    name = template if partial is None else partial if "#" in partial else f"{template}#{partial}"
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def from_script(request: HttpRequest) -> bool:
    """A request made by the page's scripts (htmx, or fetch asking for JSON), not a navigation."""
    if getattr(request, "htmx", None):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def login_required_json(view: Callable) -> Callable:
    """Login required; but a script's request from an anonymous or expired session gets 401 JSON.

    A redirect to the login page would answer 200 with HTML, which a script can mistake for
    success; the editor's autosave once showed 已保存 that way while nothing was stored. htmx does
    not swap a 401, so a panel keeps its content instead of showing the login page inside it.
    Navigations still go to the login page as everywhere else.
    """

    @login_not_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if not from_script(request):
                return redirect_to_login(request.get_full_path())
            return JsonResponse(
                {
                    "error": "login",
                    "message": "登录已过期，请重新登录后继续。",
                    "login_url": settings.LOGIN_URL,
                },
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper
