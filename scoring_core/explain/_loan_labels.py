"""Labelling rules of the previous Home Credit applications and of their monthly loan records.

See :mod:`._history_labels` for how the rules compose into labels.
"""

from __future__ import annotations

from ._history_labels import HistoryTable, Measure, Share, Special, dpd_measures

__all__ = ["PREVIOUS", "POS_CASH"]

# -- previous applications ------------------------------------------------------------------------
_PA, _PA_FR = "previous applications", "demandes de crédit précédentes"
PREVIOUS = HistoryTable(
    subsets={
        "": (_PA, _PA_FR),
        "APPROVED": (f"approved {_PA}", f"{_PA_FR} acceptées"),
        "REFUSED": (f"refused {_PA}", f"{_PA_FR} refusées"),
        "RECENT": (f"recent {_PA}", f"{_PA_FR} récentes"),
        "RECENT_REFUSED": (f"recent refused {_PA}", f"{_PA_FR} récentes refusées"),
    },
    measures={
        "AMT_ANNUITY": Measure("annuity of {obj}", "mensualité|des {obj}", "f", "currency"),
        "AMT_APPLICATION": Measure("amount requested in {obj}", "montant demandé|des {obj}", "m", "currency"),
        "AMT_CREDIT": Measure("amount granted in {obj}", "montant accordé|des {obj}", "m", "currency"),
        "AMT_DOWN_PAYMENT": Measure("down payment of {obj}", "apport|des {obj}", "m", "currency"),
        "AMT_GOODS_PRICE": Measure("goods price of {obj}", "prix du bien|des {obj}", "m", "currency"),
        "RATE_DOWN_PAYMENT": Measure("down payment rate of {obj}", "taux d'apport|des {obj}", "m", "percent"),
        "RATE_INTEREST_PRIMARY": Measure(
            "interest rate of {obj}", "taux d'intérêt|des {obj}", "m", "percent"
        ),
        "RATE_INTEREST_PRIVILEGED": Measure(
            "preferential interest rate of {obj}", "taux d'intérêt préférentiel|des {obj}", "m", "percent"
        ),
        "DAYS_DECISION": Measure("decision date of {obj}", "date de décision|des {obj}", "f", "days", "past"),
        "CNT_PAYMENT": Measure(
            "number of instalments of {obj}", "nombre|de mensualités des {obj}", "m", "count"
        ),
        "DAYS_FIRST_DRAWING": Measure(
            "first drawing date of {obj}", "date du premier décaissement|des {obj}", "f", "days", "date"
        ),
        "DAYS_FIRST_DUE": Measure(
            "first due date of {obj}", "date de première échéance|des {obj}", "f", "days", "date"
        ),
        "DAYS_LAST_DUE_1ST_VERSION": Measure(
            "initially planned last due date of {obj}",
            "date de dernière échéance initialement prévue|des {obj}",
            "f",
            "days",
            "date",
        ),
        "DAYS_LAST_DUE": Measure(
            "last due date of {obj}", "date de dernière échéance|des {obj}", "f", "days", "date"
        ),
        "DAYS_TERMINATION": Measure(
            "termination date of {obj}", "date de clôture|des {obj}", "f", "days", "date"
        ),
        "APP_CREDIT_RATIO": Measure(
            "requested-to-granted amount ratio of {obj}",
            "rapport|montant demandé / accordé des {obj}",
            "m",
            "ratio",
        ),
        "CREDIT_GOODS_RATIO": Measure(
            "credit-to-goods-price ratio of {obj}", "rapport|crédit / prix du bien des {obj}", "m", "ratio"
        ),
        "SIMPLE_INTEREST": Measure(
            "simple interest rate per instalment of {obj}",
            "taux d'intérêt simple|par mensualité des {obj}",
            "m",
            "percent",
        ),
        "DUE_DELAY": Measure(
            "shift of the last due date of {obj}", "décalage|de la dernière échéance des {obj}", "m", "days"
        ),
    },
    specials={
        "TOTAL_APP_CREDIT_RATIO": Special(
            f"Overall requested-to-granted amount ratio of {_PA}",
            f"Rapport global montant demandé / accordé des {_PA_FR}",
            "ratio",
        ),
        "REFUSAL_RATE": Special(f"Refusal rate of {_PA}", f"Taux de refus des {_PA_FR}", "percent"),
        "RECENT_REFUSAL_RATE": Special(
            f"Refusal rate of recent {_PA}", f"Taux de refus des {_PA_FR} récentes", "percent"
        ),
        "NFLAG_INSURED_ON_APPROVAL_MEAN": Special(
            f"Share of {_PA} with insurance requested",
            f"Part des {_PA_FR} avec assurance demandée",
            "percent",
        ),
    },
    shares={
        "NAME_CONTRACT_STATUS": Share(
            f"Share of {_PA} {{level}}",
            f"Part des {_PA_FR} {{level}}",
            f"Share of {_PA} with status “{{level}}”",
            f"Part des {_PA_FR} au statut « {{level}} »",
            {
                "APPROVED": ("approved", "acceptées"),
                "REFUSED": ("refused", "refusées"),
                "CANCELED": ("canceled", "annulées"),
                "UNUSED_OFFER": ("not taken up by the client", "non utilisées par le client"),
            },
        ),
        "NAME_CONTRACT_TYPE": Share(
            f"Share of {{level}} among {_PA}",
            f"Part des {{level}} parmi les {_PA_FR}",
            f"Share of {_PA} of type “{{level}}”",
            f"Part des {_PA_FR} de type « {{level}} »",
            {
                "CASH_LOANS": ("cash loans", "prêts personnels"),
                "CONSUMER_LOANS": ("consumer loans", "crédits à la consommation"),
                "REVOLVING_LOANS": ("revolving loans", "crédits renouvelables"),
            },
        ),
        "NAME_CLIENT_TYPE": Share(
            f"Share of {_PA} made as {{level}}",
            f"Part des {_PA_FR} faites en tant que {{level}}",
            f"Share of {_PA} with client type “{{level}}”",
            f"Part des {_PA_FR} avec le type de client « {{level}} »",
            {
                "NEW": ("a new client", "nouveau client"),
                "REPEATER": ("a repeat client", "client régulier"),
                "REFRESHED": ("a returning client", "client de retour"),
            },
        ),
        "NAME_YIELD_GROUP": Share(
            f"Share of {_PA} with {{level}} interest rate",
            f"Part des {_PA_FR} à taux {{level}}",
            f"Share of {_PA} in interest rate group “{{level}}”",
            f"Part des {_PA_FR} de catégorie de taux « {{level}} »",
            {
                "HIGH": ("a high", "élevé"),
                "MIDDLE": ("a medium", "moyen"),
                "LOW_NORMAL": ("a low", "bas"),
                "LOW_ACTION": ("a promotional", "promotionnel"),
            },
        ),
        "CHANNEL_TYPE": Share(
            f"Share of {_PA} through {{level}}",
            f"Part des {_PA_FR} via {{level}}",
            f"Share of {_PA} through channel “{{level}}”",
            f"Part des {_PA_FR} via le canal « {{level}} »",
            {
                "CREDIT_AND_CASH_OFFICES": ("credit and cash offices", "les agences de crédit"),
                "COUNTRY_WIDE": ("country-wide retailers", "les enseignes nationales"),
                "STONE": ("physical stores", "les magasins physiques"),
                "REGIONAL_LOCAL": ("regional or local retailers", "les enseignes régionales ou locales"),
                "CONTACT_CENTER": ("the contact center", "le centre d'appels"),
                "AP_CASH_LOAN": ("the AP+ cash loan channel", "le canal AP+ (prêt personnel)"),
                "CHANNEL_OF_CORPORATE_SALES": ("corporate sales", "la vente aux entreprises"),
                "CAR_DEALER": ("car dealers", "les concessionnaires automobiles"),
            },
        ),
    },
)

# -- monthly records of previous point-of-sale and cash loans ----------------------------------------
_PL, _PL_FR = "previous loans", "prêts précédents"
_MR, _MR_FR = f"monthly records of {_PL}", f"relevés mensuels des {_PL_FR}"
POS_CASH = HistoryTable(
    subsets={
        "": (f"{_PL} (monthly records)", f"{_PL_FR} (relevés mensuels)"),
        "RECENT": (f"{_PL} (recent monthly records)", f"{_PL_FR} (relevés mensuels récents)"),
        "LAST_MONTH": (f"{_PL} (latest month)", f"{_PL_FR} (dernier mois)"),
    },
    counts={
        "": (f"Number of {_MR}", f"Nombre de {_MR_FR}"),
        "RECENT": (f"Number of recent {_MR}", f"Nombre de relevés mensuels récents des {_PL_FR}"),
        "LAST_MONTH": (f"Number of {_PL} in the latest month", f"Nombre de {_PL_FR} au dernier mois"),
    },
    measures={
        "MONTHS_BALANCE": Measure("record date of {obj}", "date de relevé|des {obj}", "f", "months", "past"),
        "CNT_INSTALMENT": Measure(
            "number of instalments of {obj}", "nombre|de mensualités des {obj}", "m", "count"
        ),
        "CNT_INSTALMENT_FUTURE": Measure(
            "number of remaining instalments of {obj}",
            "nombre|de mensualités restantes des {obj}",
            "m",
            "count",
        ),
        "REMAINING_RATIO": Measure(
            "share of instalments remaining on {obj}",
            "part|des mensualités restantes des {obj}",
            "f",
            "percent",
        ),
        **dpd_measures("on", "sur les"),
    },
    specials={
        "MONTHS_BALANCE_MIN": Special(
            f"Date of the oldest monthly record of {_PL}",
            f"Date du plus ancien relevé mensuel des {_PL_FR}",
            "months",
            "past",
        ),
        "MONTHS_BALANCE_MEAN": Special(
            f"Average date of the {_MR}", f"Date moyenne des {_MR_FR}", "months", "past"
        ),
        "DPD_SHARE": Special(
            f"Share of {_MR} with a payment delay", f"Part des {_MR_FR} avec retard de paiement", "percent"
        ),
        "DPD_DEF_SHARE": Special(
            f"Share of {_MR} with a payment delay (excluding small debts)",
            f"Part des {_MR_FR} avec retard de paiement (hors petites dettes)",
            "percent",
        ),
        "RECENT_DPD_SHARE": Special(
            f"Share of recent {_MR} with a payment delay",
            f"Part des relevés mensuels récents des {_PL_FR} avec retard de paiement",
            "percent",
        ),
    },
    shares={
        "NAME_CONTRACT_STATUS": Share(
            f"Share of {_MR} where the loan is {{level}}",
            f"Part des {_MR_FR} où le prêt est {{level}}",
            f"Share of {_MR} with status “{{level}}”",
            f"Part des {_MR_FR} au statut « {{level}} »",
            {
                "ACTIVE": ("active", "actif"),
                "COMPLETED": ("completed", "terminé"),
                "SIGNED": ("signed", "signé"),
                "APPROVED": ("approved", "approuvé"),
                "DEMAND": ("requested", "demandé"),
                "RETURNED_TO_THE_STORE": ("returned to the store", "retourné au magasin"),
                "CANCELED": ("canceled", "annulé"),
                "AMORTIZED_DEBT": ("in amortized debt", "en dette amortie"),
            },
        ),
    },
)
