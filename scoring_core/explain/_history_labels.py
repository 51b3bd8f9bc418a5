"""Rules (data) for labelling the per-client aggregates of the history tables.

A history feature is named ``PREFIX[_SUBSET]_COLUMN_STAT`` (an aggregate),
``PREFIX[_SUBSET]_COUNT`` (a row count), ``PREFIX_COLUMN_LEVEL_SHARE`` (a category
share) or has a name of its own (a rate or a ratio of totals). Per prefix a
:class:`HistoryTable` gives the *object* each subset of rows is about ("active credits in
the credit bureau"), the *measure* of each column ("amount of {obj}") and the labels of the
special names. This module holds the types and the credit bureau rules (``BUREAU``,
``BB``); :mod:`._loan_labels` and :mod:`._payment_labels` hold the others, and
:mod:`._rules` composes them, e.g. ``BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM``
-> "Total amount of active credits in the credit bureau" / "Montant total des crédits en
cours au bureau de crédit".

French measures mark with ``|`` where the adjective of the statistic goes (after the head
noun: "montant|des {obj}" -> "montant total des ..."); ``gender`` is that of the head noun
("m", "f", "mp", "fp") for the agreement.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BUREAU", "BUREAU_BALANCE", "HistoryTable", "Measure", "Share", "Special", "dpd_measures"]

Label = tuple[str, str]


class Measure(NamedTuple):
    """What one column measures, as a phrase around the object ``{obj}``."""

    en: str
    fr: str
    gender: str
    unit: str
    kind: str = ""  # "past": a date in the past; "date": a date that may be in the future


class Special(NamedTuple):
    """A feature with a label of its own."""

    en: str
    fr: str
    unit: str
    kind: str = ""


class Share(NamedTuple):
    """Templates of the ``..._LEVEL_SHARE`` features of one categorical column.

    ``en``/``fr`` take the translated level of ``levels`` (keyed by the name fragment
    of the level); ``en_other``/``fr_other`` take any other level, quoted as is.
    """

    en: str
    fr: str
    en_other: str
    fr_other: str
    levels: dict[str, Label]


class HistoryTable(NamedTuple):
    """Labelling rules of the features of one history table."""

    subsets: dict[str, Label]
    measures: dict[str, Measure]
    specials: dict[str, Special]
    shares: dict[str, Share]
    counts: dict[str, Label] = {}


def dpd_measures(where: str, where_fr: str) -> dict[str, Measure]:
    """Measures of the ``SK_DPD`` columns (days past due) of a monthly table."""
    return {
        "SK_DPD": Measure(
            f"days past due {where} {{obj}}", f"nombre|de jours de retard {where_fr} {{obj}}", "m", "days"
        ),
        "SK_DPD_DEF": Measure(
            f"days past due (excluding small debts) {where} {{obj}}",
            f"nombre|de jours de retard (hors petites dettes) {where_fr} {{obj}}",
            "m",
            "days",
        ),
    }


# -- credit bureau ---------------------------------------------------------------------------
_CB, _CB_FR = "credits in the credit bureau", "crédits au bureau de crédit"
BUREAU = HistoryTable(
    subsets={
        "": (_CB, _CB_FR),
        "ACTIVE": (f"active {_CB}", "crédits en cours au bureau de crédit"),
        "CLOSED": (f"closed {_CB}", "crédits clos au bureau de crédit"),
        "RECENT": (f"recent {_CB}", "crédits récents au bureau de crédit"),
    },
    measures={
        "DAYS_CREDIT": Measure("opening date of {obj}", "date d'ouverture|des {obj}", "f", "days", "past"),
        "CREDIT_DAY_OVERDUE": Measure(
            "days overdue on {obj}", "nombre|de jours de retard sur les {obj}", "m", "days"
        ),
        "DAYS_CREDIT_ENDDATE": Measure(
            "planned end date of {obj}", "date de fin prévue|des {obj}", "f", "days", "date"
        ),
        "DAYS_ENDDATE_FACT": Measure(
            "actual end date of {obj}", "date de fin effective|des {obj}", "f", "days", "past"
        ),
        "DAYS_CREDIT_UPDATE": Measure(
            "update date of {obj}", "date de mise à jour|des {obj}", "f", "days", "past"
        ),
        "AMT_CREDIT_MAX_OVERDUE": Measure(
            "peak overdue amount of {obj}", "pic|d'impayés des {obj}", "m", "currency"
        ),
        "CNT_CREDIT_PROLONG": Measure(
            "number of extensions of {obj}", "nombre|de prolongations des {obj}", "m", "count"
        ),
        "AMT_CREDIT_SUM": Measure("amount of {obj}", "montant|des {obj}", "m", "currency"),
        "AMT_CREDIT_SUM_DEBT": Measure(
            "outstanding debt on {obj}", "dette restante|sur les {obj}", "f", "currency"
        ),
        "AMT_CREDIT_SUM_LIMIT": Measure("credit limit of {obj}", "plafond|des {obj}", "m", "currency"),
        "AMT_CREDIT_SUM_OVERDUE": Measure(
            "overdue amount on {obj}", "montant|en retard sur les {obj}", "m", "currency"
        ),
        "AMT_ANNUITY": Measure("annuity of {obj}", "mensualité|des {obj}", "f", "currency"),
        "DEBT_CREDIT_RATIO": Measure(
            "share still owed on {obj}", "part|restant due des {obj}", "f", "percent"
        ),
        "CREDIT_DURATION": Measure("planned duration of {obj}", "durée prévue|des {obj}", "f", "days"),
    },
    specials={
        "TOTAL_DEBT_CREDIT_RATIO": Special(
            f"Overall share still owed on {_CB}", f"Part globale restant due des {_CB_FR}", "percent"
        ),
        "ACTIVE_DEBT_CREDIT_RATIO": Special(
            f"Overall share still owed on active {_CB}",
            "Part globale restant due des crédits en cours au bureau de crédit",
            "percent",
        ),
        "TOTAL_OVERDUE_DEBT_RATIO": Special(
            "Overdue share of the debt in the credit bureau",
            "Part de la dette en retard au bureau de crédit",
            "percent",
        ),
        "AMT_CREDIT_MAX_OVERDUE_MAX": Special(
            f"Largest overdue amount on {_CB}", f"Montant impayé le plus élevé sur les {_CB_FR}", "currency"
        ),
        "ACTIVE_AMT_CREDIT_MAX_OVERDUE_MAX": Special(
            f"Largest overdue amount on active {_CB}",
            "Montant impayé le plus élevé sur les crédits en cours au bureau de crédit",
            "currency",
        ),
        "CLOSED_AMT_CREDIT_MAX_OVERDUE_MAX": Special(
            f"Largest overdue amount on closed {_CB}",
            "Montant impayé le plus élevé sur les crédits clos au bureau de crédit",
            "currency",
        ),
    },
    shares={
        "CREDIT_ACTIVE": Share(
            f"Share of {{level}} {_CB}",
            "Part des crédits {level} au bureau de crédit",
            f"Share of {_CB} with status “{{level}}”",
            f"Part des {_CB_FR} au statut « {{level}} »",
            {
                "ACTIVE": ("active", "en cours"),
                "CLOSED": ("closed", "clos"),
                "SOLD": ("sold", "vendus"),
                "BAD_DEBT": ("bad-debt", "irrécouvrables"),
            },
        ),
        "CREDIT_TYPE": Share(
            f"Share of {{level}} among {_CB}",
            f"Part des {{level}} parmi les {_CB_FR}",
            f"Share of {_CB} of type “{{level}}”",
            f"Part des {_CB_FR} de type « {{level}} »",
            {
                "CONSUMER_CREDIT": ("consumer credits", "crédits à la consommation"),
                "CREDIT_CARD": ("credit cards", "cartes de crédit"),
                "CAR_LOAN": ("car loans", "prêts auto"),
                "MORTGAGE": ("mortgages", "prêts hypothécaires"),
                "MICROLOAN": ("microloans", "microcrédits"),
                "LOAN_FOR_BUSINESS_DEVELOPMENT": (
                    "business development loans",
                    "prêts au développement d'entreprise",
                ),
                "ANOTHER_TYPE_OF_LOAN": ("other types of loans", "autres types de prêts"),
                "UNKNOWN_TYPE_OF_LOAN": ("loans of unknown type", "prêts de type inconnu"),
                "LOAN_FOR_WORKING_CAPITAL_REPLENISHMENT": (
                    "working capital loans",
                    "prêts de fonds de roulement",
                ),
                "CASH_LOAN_NON_EARMARKED": ("cash loans", "prêts personnels"),
                "REAL_ESTATE_LOAN": ("real estate loans", "prêts immobiliers"),
                "LOAN_FOR_THE_PURCHASE_OF_EQUIPMENT": ("equipment loans", "prêts d'équipement"),
                "LOAN_FOR_PURCHASE_OF_SHARES_MARGIN_LENDING": ("margin loans", "prêts sur marge"),
                "INTERBANK_CREDIT": ("interbank credits", "crédits interbancaires"),
                "MOBILE_OPERATOR_LOAN": ("mobile operator loans", "prêts d'opérateur mobile"),
            },
        ),
    },
)

# -- monthly credit bureau history --------------------------------------------------------------
BUREAU_BALANCE = HistoryTable(
    subsets={"": BUREAU.subsets[""], "ACTIVE": BUREAU.subsets["ACTIVE"]},
    counts={"": (f"Number of {_CB} (monthly history)", f"Nombre de {_CB_FR} (historique mensuel)")},
    measures={
        "MONTHS": Measure(
            "number of months reported for {obj}", "nombre|de mois déclarés pour les {obj}", "m", "months"
        ),
        "DPD_MONTHS": Measure(
            "number of months with payment delay for {obj}",
            "nombre|de mois avec retard de paiement pour les {obj}",
            "m",
            "months",
        ),
        "CREDIT_DPD_SHARE": Measure(
            "share of months with payment delay of {obj}",
            "part|des mois avec retard de paiement des {obj}",
            "f",
            "percent",
        ),
        "WORST_STATUS": Measure(
            "worst delay level (0-5) of {obj}", "pire niveau de retard|(0 à 5) des {obj}", "m", "number"
        ),
        "FIRST_MONTH": Measure(
            "first reported month of {obj}", "premier mois déclaré|des {obj}", "m", "months", "past"
        ),
        "RECENT_MONTHS": Measure(
            "number of recent months reported for {obj}",
            "nombre|de mois récents déclarés pour les {obj}",
            "m",
            "months",
        ),
        "RECENT_DPD_MONTHS": Measure(
            "number of recent months with payment delay for {obj}",
            "nombre|de mois récents avec retard de paiement pour les {obj}",
            "m",
            "months",
        ),
    },
    specials={
        "CREDITS_COUNT": Special(
            "Number of credits with monthly history in the credit bureau",
            "Nombre de crédits avec historique mensuel au bureau de crédit",
            "count",
        ),
        "DPD_SHARE": Special(
            f"Overall share of months with payment delay of {_CB}",
            f"Part globale des mois avec retard de paiement des {_CB_FR}",
            "percent",
        ),
        "RECENT_DPD_SHARE": Special(
            f"Share of recent months with payment delay of {_CB}",
            f"Part des mois récents avec retard de paiement des {_CB_FR}",
            "percent",
        ),
        "WORST_STATUS_MAX": Special(
            f"Worst delay level (0-5) of {_CB}", f"Pire niveau de retard (0 à 5) des {_CB_FR}", "number"
        ),
        "ACTIVE_WORST_STATUS_MAX": Special(
            f"Worst delay level (0-5) of active {_CB}",
            "Pire niveau de retard (0 à 5) des crédits en cours au bureau de crédit",
            "number",
        ),
        "FIRST_MONTH_MIN": Special(
            "Start of the credit bureau history",
            "Début de l'historique au bureau de crédit",
            "months",
            "past",
        ),
    },
    shares={
        "STATUS": Share(
            f"Share of months {{level}} for {_CB}",
            f"Part des mois {{level}} des {_CB_FR}",
            f"Share of months with status “{{level}}” for {_CB}",
            f"Part des mois au statut « {{level}} » des {_CB_FR}",
            {
                "0": ("without delay", "sans retard"),
                "1": ("1 to 30 days late", "avec 1 à 30 jours de retard"),
                "2": ("31 to 60 days late", "avec 31 à 60 jours de retard"),
                "3": ("61 to 90 days late", "avec 61 à 90 jours de retard"),
                "4": ("91 to 120 days late", "avec 91 à 120 jours de retard"),
                "5": ("over 120 days late or written off", "avec plus de 120 jours de retard ou en perte"),
                "C": ("with the credit closed", "où le crédit est clos"),
                "X": ("with unknown status", "au statut inconnu"),
            },
        ),
    },
)
