"""Page or fragment: a view renders `X/view.html` for a browser and `X/_view.html`, the element
that page swaps, for htmx (the whole page where a view has no fragment). One rule, so no view
decides it by hand."""

from flask import make_response
from flask import render_template
from flask import request


def is_partial():
    """An htmx request that wants a fragment; boosted requests, and htmx restoring a page from
    history after Back (it sends HX-Request too), want the whole page."""
    headers = request.headers
    return (
        bool(headers.get("HX-Request"))
        and not headers.get("HX-Boosted")
        and not headers.get("HX-History-Restore-Request")
    )


def fragment_of(template):
    """The fragment template of a page: 'review/queue.html' -> 'review/_queue.html'."""
    folder, _slash, name = template.rpartition("/")
    return f"{folder}/_{name}" if folder else f"_{name}"


def render(template, status=200, push_url=None, **context):
    """The page, or for htmx its fragment. `push_url`: the canonical address of what the
    fragment shows, which htmx puts in the address bar so it can be shared."""
    partial = is_partial()
    # A list: the first template that exists.
    chosen = [fragment_of(template), template] if partial else template
    response = make_response(render_template(chosen, **context), status)
    if partial and push_url:
        response.headers["HX-Push-Url"] = push_url
    return response
