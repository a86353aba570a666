"""The two pages of every import, for any :class:`core.importing.Format`: choose a file (every
problem listed with its place, nothing saved), then check its preview and confirm.

A room describes its import once (:class:`ImportPages`) and its views call :meth:`ImportPages.choose`
and :meth:`ImportPages.confirm`; :meth:`ImportPages.register` lets a file over the size limit come
back to the choose page with the error on its file field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from core import importing
from core.errors import UPLOAD_PAGES
from core.problems import Invalid, Problem
from core.roles import Role

STAGED_ERRORS_SHOWN = 3  # a staged file that no longer passes: the first few problems, then choose again
FILE_HAS_PROBLEMS = "The file has problems, listed below. Nothing was imported."
RACED = "Someone changed the same records while you checked the file. Nothing was imported. Choose the file again."


@dataclass(frozen=True)
class ImportPages:
    """One room's import pages. ``form`` has a ``document`` file field; ``template`` shows it with
    ``problems``; ``created_url`` is where the new object is seen once imported."""

    # The format, or a function making it per request (a format whose checks depend on who imports).
    fmt: importing.Format[Any] | Callable[[], importing.Format[Any]]
    what: str  # "programme", "rubric": the words on the preview page
    form: type[FlaskForm]
    template: str
    choose_endpoint: str
    confirm_endpoint: str
    created_url: Callable[[Any], str]
    created_message: str | Callable[[Any], str]  # a function of the new object, where counts are said
    intro: str = ""  # the preview's first paragraph, instead of "creates a new draft …"
    page_context: Callable[[], dict[str, Any]] = dict  # more for the choose page (the columns it reads)

    def format(self) -> importing.Format[Any]:
        return self.fmt if isinstance(self.fmt, importing.Format) else self.fmt()

    def choose(self) -> ResponseReturnValue:
        """Check a chosen file: stage it and show its preview, or list every problem and save nothing."""
        form = self.form()
        problems: list[Problem] = []
        if form.validate_on_submit():
            try:
                staged_id, _ = importing.stage(self.format(), form.document.data.read(), current_user.id)  # type: ignore[attr-defined]
            except Invalid as error:
                problems = error.problems
                form.document.errors = [FILE_HAS_PROBLEMS]  # type: ignore[attr-defined]
            else:
                return redirect(url_for(self.confirm_endpoint, staged_id=staged_id))
        page = render_template(self.template, form=form, problems=problems, **self.page_context())
        return page, 400 if problems else 200

    def confirm(self, staged_id: str) -> ResponseReturnValue:
        """What a checked file will create, and the button that creates it (for its owner only)."""
        form = FlaskForm()
        fmt = self.format()
        try:
            if form.validate_on_submit():
                created = importing.confirm(fmt, staged_id, current_user.id).created
                message = self.created_message
                flash(message if isinstance(message, str) else message(created), "success")
                return redirect(self.created_url(created))
            preview = importing.staged_preview(fmt, staged_id, current_user.id).preview
        except Invalid as error:
            flash(" ".join(p.message for p in error.problems[:STAGED_ERRORS_SHOWN]), "error")
            return redirect(url_for(self.choose_endpoint))
        except IntegrityError:  # a unique rule raced between the check and the save (confirm rolled back)
            flash(RACED, "error")
            return redirect(url_for(self.choose_endpoint))
        return render_template(
            "import_preview.html",
            form=form,
            preview=preview,
            what=self.what,
            intro=self.intro,
            back_url=url_for(self.choose_endpoint),
        )

    def too_large(self, message: str) -> ResponseReturnValue:
        """The choose page with ``message`` on the file field (the body was refused before the view)."""
        form = self.form(formdata=None)
        form.document.errors = [message]  # type: ignore[attr-defined]
        return render_template(self.template, form=form, problems=[], **self.page_context()), 413

    def register(self, *roles: Role) -> None:
        """Show :meth:`too_large` to those holding ``roles`` when a file is over the size limit."""
        UPLOAD_PAGES[self.choose_endpoint] = (roles, self.too_large)
