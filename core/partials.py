"""One template for a full page and for the HTMX request that swaps one of its regions."""


def partial_or_page(request, template, target="results", partial="results"):
    """The template name to render: just its partial when HTMX asks for that region."""
    if request.htmx and request.htmx.target == target:
        return f"{template}#{partial}"
    return template
