"""Labelling rules of the repayment history: instalments of previous loans and credit card statements.

See :mod:`._history_labels` for how the rules compose into labels.
"""

from __future__ import annotations

from ._history_labels import HistoryTable, Measure, Share, Special, dpd_measures

__all__ = ["INSTALMENTS", "CREDIT_CARD"]

_PL, _PL_FR = "previous loans", "prêts précédents"
# -- instalments of previous loans ---------------------------------------------------------------------
_IN, _IN_FR = f"instalments of {_PL}", f"mensualités des {_PL_FR}"
INSTALMENTS = HistoryTable(
    subsets={
        "": (_IN, _IN_FR),
        "RECENT": (f"recent {_IN}", f"mensualités récentes des {_PL_FR}"),
    },
    measures={
        "NUM_INSTALMENT_VERSION": Measure(
            "schedule version of {obj}", "version|de l'échéancier des {obj}", "f", "number"
        ),
        "NUM_INSTALMENT_NUMBER": Measure(
            "sequence number of {obj}", "numéro d'ordre|des {obj}", "m", "count"
        ),
        "DAYS_INSTALMENT": Measure("due date of {obj}", "date d'échéance|des {obj}", "f", "days", "date"),
        "DAYS_ENTRY_PAYMENT": Measure(
            "payment date of {obj}", "date de paiement|des {obj}", "f", "days", "past"
        ),
        "AMT_INSTALMENT": Measure("amount due for {obj}", "montant dû|des {obj}", "m", "currency"),
        "AMT_PAYMENT": Measure("amount paid for {obj}", "montant payé|des {obj}", "m", "currency"),
        "DAYS_LATE": Measure("days late on {obj}", "nombre|de jours de retard sur les {obj}", "m", "days"),
        "DAYS_EARLY": Measure(
            "days paid early on {obj}", "nombre|de jours d'avance sur les {obj}", "m", "days"
        ),
        "UNDERPAYMENT_AMT": Measure("unpaid amount of {obj}", "montant impayé|des {obj}", "m", "currency"),
        "PAYMENT_DIFF": Measure(
            "difference between amount due and paid for {obj}",
            "écart|entre montant dû et payé des {obj}",
            "m",
            "currency",
        ),
        "PAYMENT_RATIO": Measure("paid share of {obj}", "part payée|des {obj}", "f", "percent"),
    },
    specials={
        "LATE_COUNT": Special(f"Number of {_IN} paid late", f"Nombre de {_IN_FR} payées en retard", "count"),
        "LATE_RATE": Special(f"Share of {_IN} paid late", f"Part des {_IN_FR} payées en retard", "percent"),
        "UNDERPAYMENT_RATE": Special(
            f"Share of {_IN} not paid in full", f"Part des {_IN_FR} non payées intégralement", "percent"
        ),
        "TOTAL_PAYMENT_RATIO": Special(
            f"Overall paid share of {_IN}", f"Part payée globale des {_IN_FR}", "percent"
        ),
        "RECENT_LATE_RATE": Special(
            f"Share of recent {_IN} paid late",
            f"Part des mensualités récentes des {_PL_FR} payées en retard",
            "percent",
        ),
        "RECENT_UNDERPAYMENT_RATE": Special(
            f"Share of recent {_IN} not paid in full",
            f"Part des mensualités récentes des {_PL_FR} non payées intégralement",
            "percent",
        ),
    },
    shares={},
)

# -- monthly credit card statements ----------------------------------------------------------------------
_CC, _CC_FR = "credit cards", "cartes de crédit"
_ST, _ST_FR = "monthly credit card statements", "relevés mensuels de carte de crédit"
CREDIT_CARD = HistoryTable(
    subsets={
        "": (f"{_CC} (monthly statements)", f"{_CC_FR} (relevés mensuels)"),
        "RECENT": (f"{_CC} (recent monthly statements)", f"{_CC_FR} (relevés mensuels récents)"),
        "LAST_MONTH": (f"{_CC} (latest month)", f"{_CC_FR} (dernier mois)"),
    },
    counts={
        "": (f"Number of {_ST}", f"Nombre de {_ST_FR}"),
        "RECENT": (f"Number of recent {_ST}", "Nombre de relevés mensuels récents de carte de crédit"),
        "LAST_MONTH": (f"Number of {_CC} in the latest month", f"Nombre de {_CC_FR} au dernier mois"),
    },
    measures={
        "MONTHS_BALANCE": Measure(
            "statement date of {obj}", "date de relevé|des {obj}", "f", "months", "past"
        ),
        "AMT_BALANCE": Measure("balance of {obj}", "solde|des {obj}", "m", "currency"),
        "AMT_CREDIT_LIMIT_ACTUAL": Measure("credit limit of {obj}", "plafond|des {obj}", "m", "currency"),
        "AMT_DRAWINGS_ATM_CURRENT": Measure(
            "amount of cash withdrawals on {obj}",
            "montant|des retraits d'espèces sur les {obj}",
            "m",
            "currency",
        ),
        "AMT_DRAWINGS_CURRENT": Measure(
            "amount drawn on {obj}", "montant|des utilisations des {obj}", "m", "currency"
        ),
        "AMT_DRAWINGS_OTHER_CURRENT": Measure(
            "amount of other drawings on {obj}", "montant|des autres utilisations des {obj}", "m", "currency"
        ),
        "AMT_DRAWINGS_POS_CURRENT": Measure(
            "amount of purchases with {obj}", "montant|des achats avec les {obj}", "m", "currency"
        ),
        "AMT_INST_MIN_REGULARITY": Measure(
            "required minimum payment on {obj}", "paiement minimum|des {obj}", "m", "currency"
        ),
        "AMT_PAYMENT_CURRENT": Measure(
            "payment of the month on {obj}", "paiement du mois|sur les {obj}", "m", "currency"
        ),
        "AMT_PAYMENT_TOTAL_CURRENT": Measure(
            "amount paid on {obj}", "montant|payé sur les {obj}", "m", "currency"
        ),
        "AMT_RECEIVABLE_PRINCIPAL": Measure(
            "principal receivable on {obj}", "capital restant dû|sur les {obj}", "m", "currency"
        ),
        "AMT_RECIVABLE": Measure("amount receivable on {obj}", "montant|dû sur les {obj}", "m", "currency"),
        "AMT_TOTAL_RECEIVABLE": Measure(
            "total amount receivable on {obj}", "montant total|dû sur les {obj}", "m", "currency"
        ),
        "CNT_DRAWINGS_ATM_CURRENT": Measure(
            "number of cash withdrawals on {obj}", "nombre|de retraits d'espèces sur les {obj}", "m", "count"
        ),
        "CNT_DRAWINGS_CURRENT": Measure(
            "number of drawings on {obj}", "nombre|d'utilisations des {obj}", "m", "count"
        ),
        "CNT_DRAWINGS_OTHER_CURRENT": Measure(
            "number of other drawings on {obj}", "nombre|d'autres utilisations des {obj}", "m", "count"
        ),
        "CNT_DRAWINGS_POS_CURRENT": Measure(
            "number of purchases with {obj}", "nombre|d'achats avec les {obj}", "m", "count"
        ),
        "CNT_INSTALMENT_MATURE_CUM": Measure(
            "number of instalments paid on {obj}", "nombre|de mensualités payées sur les {obj}", "m", "count"
        ),
        "UTILISATION": Measure(
            "limit utilisation of {obj}", "taux|d'utilisation du plafond des {obj}", "m", "percent"
        ),
        "DRAWINGS_LIMIT_RATIO": Measure(
            "share of the limit spent on {obj}", "part|du plafond dépensée sur les {obj}", "f", "percent"
        ),
        "PAYMENT_MIN_RATIO": Measure(
            "payment-to-minimum ratio of {obj}", "rapport|paiement / minimum dû des {obj}", "m", "ratio"
        ),
        **dpd_measures("on", "sur les"),
    },
    specials={
        "MONTHS_BALANCE_MIN": Special(
            "Date of the oldest monthly credit card statement",
            "Date du plus ancien relevé mensuel de carte de crédit",
            "months",
            "past",
        ),
        "MONTHS_BALANCE_MEAN": Special(
            f"Average date of the {_ST}", f"Date moyenne des {_ST_FR}", "months", "past"
        ),
        "BELOW_MIN_PAYMENT_RATE": Special(
            f"Share of {_ST} with a payment below the minimum",
            f"Part des {_ST_FR} avec paiement inférieur au minimum",
            "percent",
        ),
        "RECENT_BELOW_MIN_PAYMENT_RATE": Special(
            f"Share of recent {_ST} with a payment below the minimum",
            "Part des relevés mensuels récents de carte de crédit avec paiement inférieur au minimum",
            "percent",
        ),
        "DPD_SHARE": Special(
            f"Share of {_ST} with a payment delay", f"Part des {_ST_FR} avec retard de paiement", "percent"
        ),
        "RECENT_DPD_SHARE": Special(
            f"Share of recent {_ST} with a payment delay",
            "Part des relevés mensuels récents de carte de crédit avec retard de paiement",
            "percent",
        ),
        "LAST_MONTH_UTILISATION": Special(
            f"Overall limit utilisation of {_CC} in the latest month",
            f"Taux global d'utilisation du plafond des {_CC_FR} au dernier mois",
            "percent",
        ),
    },
    shares={
        "NAME_CONTRACT_STATUS": Share(
            f"Share of {_ST} where the card is {{level}}",
            f"Part des {_ST_FR} où la carte est {{level}}",
            f"Share of {_ST} with status “{{level}}”",
            f"Part des {_ST_FR} au statut « {{level}} »",
            {
                "ACTIVE": ("active", "active"),
                "COMPLETED": ("closed", "clôturée"),
                "SIGNED": ("signed", "signée"),
                "APPROVED": ("approved", "approuvée"),
                "DEMAND": ("requested", "demandée"),
                "SENT_PROPOSAL": ("proposed", "proposée"),
                "REFUSED": ("refused", "refusée"),
            },
        ),
    },
)
