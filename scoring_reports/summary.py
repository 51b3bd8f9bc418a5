"""The decision summary a client can take home: one printable page, English or French.

The page says the decision, the main reasons (one per concept, from the same explanation as
the dashboard and the API), what could change it (the counterfactual offer), what data was
used (the tables and themes, with the client's own record counts) and, as placeholders for
the lender to fill in, its contact details and the client's right to ask for a human review.

It shows only this client's data: never another client's values or ids, never the true
outcome (``TARGET``); the comparison with other clients is a share of all clients
("above 85% of clients").

``write_summary(service, client_id, "summary.html")`` writes HTML (print styles: A4, one
page); a ``.pdf`` target is printed by the system Chromium (``--headless --print-to-pdf``)
when it exists (:func:`find_chromium`), else :class:`SummaryError` says so.

Examples
--------
>>> html = render_summary(service, 100002, lang="fr")  # doctest: +SKIP
>>> write_summary(service, 100002, "out/100002.pdf")  # doctest: +SKIP
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from string import Template

from scoring_core.errors import ScoringError
from scoring_core.explain.concepts import CONCEPTS
from scoring_core.explain.labels import table_label
from scoring_core.explain.reasons import reasons
from scoring_core.formatting import format_money, format_number, format_percent, plural
from scoring_core.io import atomic_path
from scoring_core.service import ScoringService

__all__ = [
    "SummaryError",
    "find_chromium",
    "html_to_pdf",
    "render_summary",
    "summary_content",
    "write_summary",
]

log = logging.getLogger(__name__)

_TEMPLATE = Path(__file__).with_name("templates") / "summary.html"
_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)


class SummaryError(ScoringError):
    """The summary cannot be written (no PDF printer, printing failed)."""


_T = {
    "en": {
        "title": "Your credit application: our decision",
        "client_ref": "Client reference {id}",
        "date": "Decision of {date}",
        "model": "Scoring model {version}",
        "lender": '<span class="placeholder">[Lender name and address]</span>',
        "h_decision": "Decision",
        "refuse": "Your application is declined.",
        "approve": "Your application is approved.",
        "request": "You asked for {credit} ({product}), repaid at {annuity}.",
        "request_no_annuity": "You asked for {credit} ({product}).",
        "assessment": (
            "Our assessment of the risk of payment difficulties on this loan is {p}; "
            "we approve applications up to {t}."
        ),
        "h_reasons": "The main reasons",
        "against": "What weighed against your application",
        "favour": "What counted in your favour",
        "no_reasons": "No single factor stands out.",
        "h_change": "What could change the decision",
        "approved_nothing": "Nothing: your application is approved as requested.",
        "offer": "We could approve a loan of {credit} over {term}, repaid at {annuity}.",
        "offer_current": "Your request: {credit} over {term}, repaid at {annuity}.",
        "offer_changes": "We could approve your application with these changes: {changes}.",
        "offer_p": "With this loan our risk assessment would be {p}.",
        "no_offer": (
            "No smaller amount or longer term within our limits would change the decision. "
            "New information (for example income or credits not yet known to us) can: "
            "ask for a review."
        ),
        "h_data": "What data was used",
        "data_intro": "Your application and, where we hold them, these records about you (number of records):",
        "themes": "Themes the decision looks at: {themes}.",
        "data_note": (
            "Your data is compared only with anonymous statistics of all our clients. "
            "No other person's data appears on this page."
        ),
        "none": "none",
        "h_rights": "Your rights",
        "rights": (
            "You may ask for this decision to be reviewed by a person, express your point of view "
            "and contest it. You may also ask which data about you was used and have it corrected. "
            'Please write within <span class="placeholder">[period]</span> to the address below.'
        ),
        "contact": (
            'Contact: <span class="placeholder">[Lender name, address, phone, email]</span> · '
            'Advisor: <span class="placeholder">[Advisor name]</span>'
        ),
        "term": ("month", "months"),
        "product": {"Cash loans": "cash loan", "Revolving loans": "revolving loan"},
    },
    "fr": {
        "title": "Votre demande de crédit : notre décision",
        "client_ref": "Référence client {id}",
        "date": "Décision du {date}",
        "model": "Modèle de score {version}",
        "lender": '<span class="placeholder">[Nom et adresse du prêteur]</span>',
        "h_decision": "Décision",
        "refuse": "Votre demande est refusée.",
        "approve": "Votre demande est acceptée.",
        "request": "Vous avez demandé {credit} ({product}), remboursé à raison de {annuity}.",
        "request_no_annuity": "Vous avez demandé {credit} ({product}).",
        "assessment": (
            "Notre estimation du risque de difficultés de paiement sur ce crédit est de {p} ; "
            "nous acceptons les demandes jusqu'à {t}."
        ),
        "h_reasons": "Les principales raisons",
        "against": "Ce qui a pesé contre votre demande",
        "favour": "Ce qui a joué en votre faveur",
        "no_reasons": "Aucun facteur ne se détache.",
        "h_change": "Ce qui pourrait changer la décision",
        "approved_nothing": "Rien : votre demande est acceptée telle quelle.",
        "offer": "Nous pourrions accepter un crédit de {credit} sur {term}, remboursé à raison de {annuity}.",
        "offer_current": "Votre demande : {credit} sur {term}, remboursé à raison de {annuity}.",
        "offer_changes": "Nous pourrions accepter votre demande avec ces changements : {changes}.",
        "offer_p": "Avec ce crédit, notre estimation du risque serait de {p}.",
        "no_offer": (
            "Aucun montant plus faible ni aucune durée plus longue dans nos limites ne changerait la "
            "décision. Des informations nouvelles (par exemple des revenus ou des crédits que nous ne "
            "connaissons pas) le peuvent : demandez un réexamen."
        ),
        "h_data": "Les données utilisées",
        "data_intro": "Votre demande et, lorsque nous en disposons, ces données vous concernant (nombre d'enregistrements) :",
        "themes": "Thèmes pris en compte dans la décision : {themes}.",
        "data_note": (
            "Vos données sont comparées uniquement à des statistiques anonymes de l'ensemble de nos "
            "clients. Aucune donnée d'une autre personne ne figure sur cette page."
        ),
        "none": "aucun",
        "h_rights": "Vos droits",
        "rights": (
            "Vous pouvez demander le réexamen de cette décision par une personne, exprimer votre point "
            "de vue et la contester. Vous pouvez aussi demander quelles données vous concernant ont été "
            "utilisées et les faire rectifier. Écrivez-nous dans un délai de "
            '<span class="placeholder">[délai]</span> à l\'adresse ci-dessous.'
        ),
        "contact": (
            'Contact : <span class="placeholder">[Nom, adresse, téléphone, e-mail du prêteur]</span> · '
            'Conseiller : <span class="placeholder">[Nom du conseiller]</span>'
        ),
        "term": ("mois", "mois"),
        "product": {"Cash loans": "prêt personnel", "Revolving loans": "crédit renouvelable"},
    },
}
_FIELD_NAMES = {
    "AMT_CREDIT": ("credit amount", "montant du crédit"),
    "AMT_ANNUITY": ("monthly payment", "mensualité"),
    "AMT_GOODS_PRICE": ("price of the goods", "prix du bien"),
}


def _check_lang(lang: str) -> None:
    if lang not in _T:
        raise ValueError(f"unknown language {lang!r}; use en or fr")


def _term(months: float | None, lang: str) -> str:
    n = int(round(months or 0))
    one, other = _T[lang]["term"]
    return f"{format_number(n, lang, 0)}\u00a0{plural(n, lang, one, other)}"


def _offer_texts(cf, lang: str) -> list[str]:
    """Readable lines of a counterfactual, whatever fields it carries."""
    t = _T[lang]
    out: list[str] = []
    offer, current = getattr(cf, "offer", None), getattr(cf, "current", None)
    if offer is not None:
        out.append(
            t["offer"].format(
                credit=format_money(offer.credit, lang),
                term=_term(offer.term_months, lang),
                annuity=format_money(offer.annuity, lang, period="month"),
            )
        )
        if current is not None:
            out.append(
                t["offer_current"].format(
                    credit=format_money(current.credit, lang),
                    term=_term(current.term_months, lang),
                    annuity=format_money(current.annuity, lang, period="month"),
                )
            )
    elif cf.changes:
        i = 0 if lang == "en" else 1
        parts = [
            f"{_FIELD_NAMES.get(k, (k.lower().replace('_', ' '),) * 2)[i]} "
            f"{format_money(v, lang, period='month' if k == 'AMT_ANNUITY' else None)}"
            for k, v in cf.changes.items()
        ]
        out.append(t["offer_changes"].format(changes=", ".join(parts)))
    if cf.probability is not None:
        out.append(t["offer_p"].format(p=format_percent(cf.probability, lang)))
    return out


def summary_content(service: ScoringService, client_id: int, lang: str = "en") -> dict:
    """Everything the page says, as plain data (the client's own data only).

    Raises
    ------
    UnknownClientError
        For a client the service does not know.
    """
    _check_lang(lang)
    e = service.explain(client_id, top=None, lang=lang)
    profile = service.profile(client_id)
    rs = reasons(e, service.population, lang=lang, limit=5)
    refused = e.decision == "refuse"
    cf = service.counterfactual(client_id) if refused else None
    tables = service.client_tables(client_id)
    used = ["application", *getattr(service.model.builder, "history_tables_", ())]
    records = []
    for name in used:
        frame = tables.get(name)
        n = 0 if frame is None else len(frame)
        if name != "application":
            records.append((table_label(name, lang), n))
    return {
        "client_id": int(client_id),
        "decision": e.decision,
        "probability": e.probability,
        "threshold": e.threshold,
        "model_version": service.model.version,
        "credit": profile.get("AMT_CREDIT"),
        "annuity": profile.get("AMT_ANNUITY"),
        "contract": profile.get("NAME_CONTRACT_TYPE"),
        "against": [r.text for r in rs if r.direction > 0],
        "favour": [r.text for r in rs if r.direction < 0],
        "counterfactual": cf,
        "records": records,
        "themes": [c.label(lang) for c in CONCEPTS],
    }


def _list(items: list[str], css: str) -> str:
    return f'<ul class="{css}">' + "".join(f"<li>{html.escape(s)}</li>" for s in items) + "</ul>"


def render_summary(
    service: ScoringService, client_id: int, lang: str = "en", *, now: datetime | None = None
) -> str:
    """The summary page of ``client_id`` as a self-contained HTML document."""
    c = summary_content(service, client_id, lang)
    t = _T[lang]
    esc = html.escape
    refused = c["decision"] == "refuse"
    product = t["product"].get(str(c["contract"]), str(c["contract"] or "").lower()) if c["contract"] else ""
    if c["annuity"]:
        request = t["request"].format(
            credit=format_money(c["credit"], lang),
            product=product,
            annuity=format_money(c["annuity"], lang, period="month"),
        )
    else:
        request = t["request_no_annuity"].format(credit=format_money(c["credit"], lang), product=product)
    blocks = []
    if c["against"]:
        blocks.append(f"<p><strong>{esc(t['against'])}</strong></p>{_list(c['against'], 'against')}")
    if c["favour"]:
        blocks.append(f"<p><strong>{esc(t['favour'])}</strong></p>{_list(c['favour'], 'favour')}")
    if not blocks:
        blocks.append(f"<p>{esc(t['no_reasons'])}</p>")
    cf = c["counterfactual"]
    if not refused:
        change = f"<p>{esc(t['approved_nothing'])}</p>"
    elif cf is not None and cf.found:
        lines = _offer_texts(cf, lang)
        change = '<div class="offer">' + "".join(f"<p>{esc(s)}</p>" for s in lines) + "</div>"
    else:
        change = f"<p>{esc(t['no_offer'])}</p>"
    sep = " ; " if lang == "fr" else "; "
    records = sep.join(
        f"{esc(name)} ({esc(format_number(n, lang, 0) if n else t['none'])})" for name, n in c["records"]
    )
    data = f"<p class='records'>{records}.</p><p>{esc(t['themes'].format(themes=sep.join(c['themes']).lower()))}</p>"
    when = (now or datetime.now(UTC)).date()
    date = when.strftime("%d/%m/%Y") if lang == "fr" else when.isoformat()
    page = Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(
        lang=lang,
        title=esc(t["title"]),
        client_ref=esc(t["client_ref"].format(id=c["client_id"])),
        date_line=esc(t["date"].format(date=date)),
        model_line=esc(t["model"].format(version=c["model_version"])),
        lender_line=t["lender"],
        decision_color="#b5450b" if refused else "#1f5fa8",
        h_decision=esc(t["h_decision"]),
        decision_text=esc(t["refuse" if refused else "approve"]),
        request_text=esc(request),
        assessment_text=esc(
            t["assessment"].format(**_p_and_threshold(c["probability"], c["threshold"], lang))
        ),
        h_reasons=esc(t["h_reasons"]),
        reasons_html="".join(blocks),
        h_change=esc(t["h_change"]),
        change_html=change,
        h_data=esc(t["h_data"]),
        data_intro=esc(t["data_intro"]),
        data_html=data,
        data_note=esc(t["data_note"]),
        h_rights=esc(t["h_rights"]),
        rights_text=t["rights"],
        contact_text=t["contact"],
    )
    return page


def _p_and_threshold(p: float, threshold: float, lang: str) -> dict:
    """The probability and the threshold with enough digits to tell them apart."""
    for digits in (1, 2, 3):
        a, b = format_percent(p, lang, digits), format_percent(threshold, lang, digits)
        if a != b:
            break
    return {"p": a, "t": b}


def find_chromium() -> str | None:
    """The system Chromium (``SCORING_CHROMIUM``, ``/usr/bin/chromium``, or on the PATH), or ``None``."""
    from .settings import ReportSettings

    for candidate in (ReportSettings().chromium, "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def html_to_pdf(html_path: Path, pdf_path: Path, *, chromium: str | None = None, timeout: float = 90) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (no download, no network).

    Raises
    ------
    SummaryError
        No Chromium, or printing failed or timed out.
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise SummaryError("no Chromium found for the PDF (set SCORING_CHROMIUM or write .html instead)")
    with tempfile.TemporaryDirectory(prefix="summary-chromium-") as profile:
        cmd = [
            exe,
            *_CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path}",
            Path(html_path).resolve().as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise SummaryError(f"Chromium did not print the PDF within {timeout:g} s") from None
    if done.returncode != 0 or not Path(pdf_path).is_file() or Path(pdf_path).stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise SummaryError(f"Chromium failed to print the PDF (exit {done.returncode}): {tail[0]}")
    return Path(pdf_path)


def write_summary(
    service: ScoringService,
    client_id: int,
    out: str | os.PathLike,
    lang: str = "en",
    *,
    chromium: str | None = None,
) -> Path:
    """Write the summary of ``client_id`` to ``out`` atomically: HTML, or PDF for a ``.pdf`` name.

    Raises
    ------
    UnknownClientError
        Unknown client (nothing is written).
    SummaryError
        A ``.pdf`` without Chromium, or a failed print; or an unknown file extension.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise SummaryError(f"the summary is written as .html or .pdf, got {out.name!r}")
    page = render_summary(service, client_id, lang)
    if suffix == ".pdf":
        exe = chromium or find_chromium()
        if exe is None:
            raise SummaryError(
                "no Chromium found to print the PDF: write the summary as .html (print it from a browser)"
            )
        with tempfile.TemporaryDirectory(prefix="summary-") as tmp:
            src = Path(tmp) / "summary.html"
            src.write_text(page, encoding="utf-8")
            with atomic_path(out, suffix=".pdf") as target:
                html_to_pdf(src, target, chromium=exe)
    else:
        with atomic_path(out, suffix=".html") as target:
            target.write_text(page, encoding="utf-8")
    log.info("summary of client %s written to %s", client_id, out)
    return out
