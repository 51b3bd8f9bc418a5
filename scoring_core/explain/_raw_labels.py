"""Labels (English, French) of the raw columns of the eight Kaggle tables and of the domain features.

Data only; the lookup rules live in :mod:`scoring_core.explain.labels`. Labels are short
noun phrases a relationship manager can read to a client. ``DAYS_*`` columns are dates
counted in days before the application (negative) and are labelled as dates ("Last phone
change", shown as "1,200 days ago"), except the four shown as durations in years (age,
employment length, ...).
"""

from __future__ import annotations

__all__ = ["RAW_LABELS", "DOMAIN_LABELS", "TABLE_LABELS", "YEAR_VALUED"]

Label = tuple[str, str]

_CLIENT_ID: Label = ("Client ID", "Identifiant du client")

_HOUSING_BASES: dict[str, Label] = {
    "APARTMENTS": ("Apartment size in the building", "Taille des appartements de l'immeuble"),
    "BASEMENTAREA": ("Basement area of the building", "Surface du sous-sol de l'immeuble"),
    "YEARS_BEGINEXPLUATATION": ("Years in use of the building", "Années d'exploitation de l'immeuble"),
    "YEARS_BUILD": ("Construction age of the building", "Âge de construction de l'immeuble"),
    "COMMONAREA": ("Common area of the building", "Parties communes de l'immeuble"),
    "ELEVATORS": ("Elevators in the building", "Ascenseurs de l'immeuble"),
    "ENTRANCES": ("Entrances of the building", "Entrées de l'immeuble"),
    "FLOORSMAX": ("Highest floor count of the building", "Nombre maximal d'étages de l'immeuble"),
    "FLOORSMIN": ("Lowest floor count of the building", "Nombre minimal d'étages de l'immeuble"),
    "LANDAREA": ("Land area of the building", "Surface du terrain de l'immeuble"),
    "LIVINGAPARTMENTS": ("Residential apartments in the building", "Logements habités de l'immeuble"),
    "LIVINGAREA": ("Living area of the building", "Surface habitable de l'immeuble"),
    "NONLIVINGAPARTMENTS": ("Non-residential units in the building", "Locaux non résidentiels de l'immeuble"),
    "NONLIVINGAREA": ("Non-living area of the building", "Surface non habitable de l'immeuble"),
}
_HOUSING_STATS: dict[str, Label] = {
    "AVG": ("average", "moyenne"),
    "MODE": ("most common value", "valeur la plus fréquente"),
    "MEDI": ("median", "médiane"),
}
_BUREAU_REQUESTS: dict[str, Label] = {
    "HOUR": ("hour", "l'heure"),
    "DAY": ("day", "la journée"),
    "WEEK": ("week", "la semaine"),
    "MON": ("month", "le mois"),
    "QRT": ("quarter", "le trimestre"),
    "YEAR": ("year", "l'année"),
}

APPLICATION: dict[str, Label] = {
    "SK_ID_CURR": _CLIENT_ID,
    "TARGET": ("Payment difficulties", "Difficultés de paiement"),
    "NAME_CONTRACT_TYPE": ("Contract type", "Type de contrat"),
    "CODE_GENDER": ("Gender", "Sexe"),
    "FLAG_OWN_CAR": ("Owns a car", "Possession d'une voiture"),
    "FLAG_OWN_REALTY": ("Owns real estate", "Possession d'un bien immobilier"),
    "CNT_CHILDREN": ("Number of children", "Nombre d'enfants"),
    "AMT_INCOME_TOTAL": ("Income", "Revenu"),
    "AMT_CREDIT": ("Credit amount", "Montant du crédit"),
    "AMT_ANNUITY": ("Loan annuity", "Mensualité du crédit"),
    "AMT_GOODS_PRICE": ("Goods price", "Prix du bien"),
    "NAME_TYPE_SUITE": ("Accompanying person at application", "Accompagnant lors de la demande"),
    "NAME_INCOME_TYPE": ("Income type", "Type de revenu"),
    "NAME_EDUCATION_TYPE": ("Education level", "Niveau d'études"),
    "NAME_FAMILY_STATUS": ("Family status", "Situation familiale"),
    "NAME_HOUSING_TYPE": ("Housing situation", "Situation de logement"),
    "REGION_POPULATION_RELATIVE": ("Population density of the region", "Densité de population de la région"),
    "DAYS_BIRTH": ("Age", "Âge"),
    "DAYS_EMPLOYED": ("Employment length", "Ancienneté dans l'emploi"),
    "DAYS_REGISTRATION": ("Time since registration change", "Temps depuis le changement d'enregistrement"),
    "DAYS_ID_PUBLISH": (
        "Time since identity document change",
        "Temps depuis le changement de pièce d'identité",
    ),
    "OWN_CAR_AGE": ("Car age", "Âge de la voiture"),
    "FLAG_MOBIL": ("Mobile phone provided", "Téléphone mobile fourni"),
    "FLAG_EMP_PHONE": ("Employer phone provided", "Téléphone de l'employeur fourni"),
    "FLAG_WORK_PHONE": ("Work phone provided", "Téléphone professionnel fourni"),
    "FLAG_CONT_MOBILE": ("Mobile phone reachable", "Téléphone mobile joignable"),
    "FLAG_PHONE": ("Home phone provided", "Téléphone fixe fourni"),
    "FLAG_EMAIL": ("Email provided", "Adresse e-mail fournie"),
    "OCCUPATION_TYPE": ("Occupation", "Profession"),
    "CNT_FAM_MEMBERS": ("Household size", "Taille du foyer"),
    "REGION_RATING_CLIENT": ("Region rating", "Note de la région"),
    "REGION_RATING_CLIENT_W_CITY": ("Region and city rating", "Note de la région et de la ville"),
    "WEEKDAY_APPR_PROCESS_START": ("Application weekday", "Jour de la demande"),
    "HOUR_APPR_PROCESS_START": ("Application hour", "Heure de la demande"),
    "REG_REGION_NOT_LIVE_REGION": (
        "Registered and home regions differ",
        "Régions d'enregistrement et de domicile différentes",
    ),
    "REG_REGION_NOT_WORK_REGION": (
        "Registered and work regions differ",
        "Régions d'enregistrement et de travail différentes",
    ),
    "LIVE_REGION_NOT_WORK_REGION": (
        "Home and work regions differ",
        "Régions de domicile et de travail différentes",
    ),
    "REG_CITY_NOT_LIVE_CITY": (
        "Registered and home cities differ",
        "Villes d'enregistrement et de domicile différentes",
    ),
    "REG_CITY_NOT_WORK_CITY": (
        "Registered and work cities differ",
        "Villes d'enregistrement et de travail différentes",
    ),
    "LIVE_CITY_NOT_WORK_CITY": (
        "Home and work cities differ",
        "Villes de domicile et de travail différentes",
    ),
    "ORGANIZATION_TYPE": ("Employer's sector", "Secteur de l'employeur"),
    **{f"EXT_SOURCE_{i}": (f"External credit score {i}", f"Score de crédit externe {i}") for i in (1, 2, 3)},
    **{
        f"{base}_{stat}": (f"{en} ({en_stat})", f"{fr} ({fr_stat})")
        for base, (en, fr) in _HOUSING_BASES.items()
        for stat, (en_stat, fr_stat) in _HOUSING_STATS.items()
    },
    "FONDKAPREMONT_MODE": ("Building repair fund", "Fonds de réparation de l'immeuble"),
    "HOUSETYPE_MODE": ("Building type", "Type d'immeuble"),
    "TOTALAREA_MODE": ("Total area of the building", "Surface totale de l'immeuble"),
    "WALLSMATERIAL_MODE": ("Wall material", "Matériau des murs"),
    "EMERGENCYSTATE_MODE": ("Building in emergency state", "Immeuble en état d'urgence"),
    **{
        f"OBS_{d}_CNT_SOCIAL_CIRCLE": (
            f"Social circle members with a {d}-day-late record",
            f"Proches ayant eu un retard de paiement de {d} jours",
        )
        for d in (30, 60)
    },
    **{
        f"DEF_{d}_CNT_SOCIAL_CIRCLE": (
            f"Social circle members in default ({d} days late)",
            f"Proches en défaut de paiement ({d} jours de retard)",
        )
        for d in (30, 60)
    },
    "DAYS_LAST_PHONE_CHANGE": ("Last phone change", "Dernier changement de téléphone"),
    **{f"FLAG_DOCUMENT_{i}": (f"Document {i} provided", f"Document {i} fourni") for i in range(2, 22)},
    **{
        f"AMT_REQ_CREDIT_BUREAU_{key}": (
            f"Credit bureau enquiries in the {en} before application",
            f"Consultations du bureau de crédit dans {fr} précédant la demande",
        )
        for key, (en, fr) in _BUREAU_REQUESTS.items()
    },
}

BUREAU: dict[str, Label] = {
    "SK_ID_CURR": _CLIENT_ID,
    "SK_ID_BUREAU": ("Credit bureau credit ID", "Identifiant du crédit au bureau de crédit"),
    "CREDIT_ACTIVE": ("Credit status", "Statut du crédit"),
    "CREDIT_CURRENCY": ("Credit currency", "Devise du crédit"),
    "DAYS_CREDIT": ("Credit opening date", "Date d'ouverture du crédit"),
    "CREDIT_DAY_OVERDUE": ("Days overdue", "Jours de retard"),
    "DAYS_CREDIT_ENDDATE": ("Planned end date", "Date de fin prévue"),
    "DAYS_ENDDATE_FACT": ("Actual end date", "Date de fin effective"),
    "AMT_CREDIT_MAX_OVERDUE": ("Largest overdue amount", "Montant impayé le plus élevé"),
    "CNT_CREDIT_PROLONG": ("Number of extensions", "Nombre de prolongations"),
    "AMT_CREDIT_SUM": ("Credit amount", "Montant du crédit"),
    "AMT_CREDIT_SUM_DEBT": ("Outstanding debt", "Dette restante"),
    "AMT_CREDIT_SUM_LIMIT": ("Credit limit", "Plafond du crédit"),
    "AMT_CREDIT_SUM_OVERDUE": ("Overdue amount", "Montant en retard"),
    "CREDIT_TYPE": ("Credit type", "Type de crédit"),
    "DAYS_CREDIT_UPDATE": ("Last update date", "Date de dernière mise à jour"),
    "AMT_ANNUITY": ("Annuity", "Mensualité"),
}

BUREAU_BALANCE: dict[str, Label] = {
    "SK_ID_BUREAU": BUREAU["SK_ID_BUREAU"],
    "MONTHS_BALANCE": ("Month", "Mois"),
    "STATUS": ("Monthly delay status", "Statut de retard du mois"),
}

PREVIOUS_APPLICATION: dict[str, Label] = {
    "SK_ID_PREV": ("Previous application ID", "Identifiant de la demande précédente"),
    "SK_ID_CURR": _CLIENT_ID,
    "NAME_CONTRACT_TYPE": ("Contract type", "Type de contrat"),
    "AMT_ANNUITY": ("Annuity", "Mensualité"),
    "AMT_APPLICATION": ("Amount requested", "Montant demandé"),
    "AMT_CREDIT": ("Amount granted", "Montant accordé"),
    "AMT_DOWN_PAYMENT": ("Down payment", "Apport"),
    "AMT_GOODS_PRICE": ("Goods price", "Prix du bien"),
    "WEEKDAY_APPR_PROCESS_START": ("Application weekday", "Jour de la demande"),
    "HOUR_APPR_PROCESS_START": ("Application hour", "Heure de la demande"),
    "FLAG_LAST_APPL_PER_CONTRACT": ("Last application for the contract", "Dernière demande pour le contrat"),
    "NFLAG_LAST_APPL_IN_DAY": ("Last application of the day", "Dernière demande de la journée"),
    "RATE_DOWN_PAYMENT": ("Down payment rate", "Taux d'apport"),
    "RATE_INTEREST_PRIMARY": ("Interest rate", "Taux d'intérêt"),
    "RATE_INTEREST_PRIVILEGED": ("Preferential interest rate", "Taux d'intérêt préférentiel"),
    "NAME_CASH_LOAN_PURPOSE": ("Cash loan purpose", "Objet du prêt personnel"),
    "NAME_CONTRACT_STATUS": ("Application status", "Statut de la demande"),
    "DAYS_DECISION": ("Decision date", "Date de la décision"),
    "NAME_PAYMENT_TYPE": ("Payment method", "Mode de paiement"),
    "CODE_REJECT_REASON": ("Refusal reason", "Motif du refus"),
    "NAME_TYPE_SUITE": ("Accompanying person", "Accompagnant"),
    "NAME_CLIENT_TYPE": ("Client type", "Type de client"),
    "NAME_GOODS_CATEGORY": ("Goods category", "Catégorie du bien"),
    "NAME_PORTFOLIO": ("Portfolio", "Portefeuille"),
    "NAME_PRODUCT_TYPE": ("Product type", "Type de produit"),
    "CHANNEL_TYPE": ("Sales channel", "Canal de vente"),
    "SELLERPLACE_AREA": ("Seller area", "Zone du vendeur"),
    "NAME_SELLER_INDUSTRY": ("Seller industry", "Secteur du vendeur"),
    "CNT_PAYMENT": ("Number of instalments", "Nombre de mensualités"),
    "NAME_YIELD_GROUP": ("Interest rate group", "Catégorie de taux d'intérêt"),
    "PRODUCT_COMBINATION": ("Product combination", "Combinaison de produits"),
    "DAYS_FIRST_DRAWING": ("First drawing date", "Date du premier décaissement"),
    "DAYS_FIRST_DUE": ("First due date", "Date de la première échéance"),
    "DAYS_LAST_DUE_1ST_VERSION": ("Initially planned last due date", "Dernière échéance initialement prévue"),
    "DAYS_LAST_DUE": ("Last due date", "Date de la dernière échéance"),
    "DAYS_TERMINATION": ("Termination date", "Date de clôture"),
    "NFLAG_INSURED_ON_APPROVAL": ("Insurance requested", "Assurance demandée"),
}

_DPD: dict[str, Label] = {
    "SK_DPD": ("Days past due", "Jours de retard"),
    "SK_DPD_DEF": ("Days past due (excluding small debts)", "Jours de retard (hors petites dettes)"),
}

POS_CASH_BALANCE: dict[str, Label] = {
    "SK_ID_PREV": ("Previous loan ID", "Identifiant du prêt précédent"),
    "SK_ID_CURR": _CLIENT_ID,
    "MONTHS_BALANCE": ("Month", "Mois"),
    "CNT_INSTALMENT": ("Number of instalments", "Nombre de mensualités"),
    "CNT_INSTALMENT_FUTURE": ("Remaining instalments", "Mensualités restantes"),
    "NAME_CONTRACT_STATUS": ("Loan status", "Statut du prêt"),
    **_DPD,
}

INSTALLMENTS_PAYMENTS: dict[str, Label] = {
    "SK_ID_PREV": POS_CASH_BALANCE["SK_ID_PREV"],
    "SK_ID_CURR": _CLIENT_ID,
    "NUM_INSTALMENT_VERSION": ("Instalment schedule version", "Version de l'échéancier"),
    "NUM_INSTALMENT_NUMBER": ("Instalment number", "Numéro de la mensualité"),
    "DAYS_INSTALMENT": ("Due date", "Date d'échéance"),
    "DAYS_ENTRY_PAYMENT": ("Payment date", "Date du paiement"),
    "AMT_INSTALMENT": ("Amount due", "Montant dû"),
    "AMT_PAYMENT": ("Amount paid", "Montant payé"),
}

CREDIT_CARD_BALANCE: dict[str, Label] = {
    "SK_ID_PREV": ("Credit card ID", "Identifiant de la carte de crédit"),
    "SK_ID_CURR": _CLIENT_ID,
    "MONTHS_BALANCE": ("Month", "Mois"),
    "AMT_BALANCE": ("Balance", "Solde"),
    "AMT_CREDIT_LIMIT_ACTUAL": ("Credit limit", "Plafond"),
    "AMT_DRAWINGS_ATM_CURRENT": ("Cash withdrawals", "Retraits d'espèces"),
    "AMT_DRAWINGS_CURRENT": ("Amount drawn", "Montant utilisé"),
    "AMT_DRAWINGS_OTHER_CURRENT": ("Other drawings", "Autres utilisations"),
    "AMT_DRAWINGS_POS_CURRENT": ("Purchases", "Achats"),
    "AMT_INST_MIN_REGULARITY": ("Minimum payment", "Paiement minimum"),
    "AMT_PAYMENT_CURRENT": ("Payment of the month", "Paiement du mois"),
    "AMT_PAYMENT_TOTAL_CURRENT": ("Total amount paid", "Montant total payé"),
    "AMT_RECEIVABLE_PRINCIPAL": ("Principal receivable", "Capital restant dû"),
    "AMT_RECIVABLE": ("Amount receivable", "Montant dû"),
    "AMT_TOTAL_RECEIVABLE": ("Total amount receivable", "Montant total dû"),
    "CNT_DRAWINGS_ATM_CURRENT": ("Number of cash withdrawals", "Nombre de retraits d'espèces"),
    "CNT_DRAWINGS_CURRENT": ("Number of drawings", "Nombre d'utilisations"),
    "CNT_DRAWINGS_OTHER_CURRENT": ("Number of other drawings", "Nombre d'autres utilisations"),
    "CNT_DRAWINGS_POS_CURRENT": ("Number of purchases", "Nombre d'achats"),
    "CNT_INSTALMENT_MATURE_CUM": ("Number of instalments paid", "Nombre de mensualités payées"),
    "NAME_CONTRACT_STATUS": ("Card status", "Statut de la carte"),
    **_DPD,
}

#: ``{table: {column: (en, fr)}}`` for every column of the eight Kaggle tables.
RAW_LABELS: dict[str, dict[str, Label]] = {
    "application_train": APPLICATION,
    "application_test": APPLICATION,
    "bureau": BUREAU,
    "bureau_balance": BUREAU_BALANCE,
    "previous_application": PREVIOUS_APPLICATION,
    "POS_CASH_balance": POS_CASH_BALANCE,
    "installments_payments": INSTALLMENTS_PAYMENTS,
    "credit_card_balance": CREDIT_CARD_BALANCE,
}

#: ``{table: (en, fr)}``: what a table holds, for titles and legends.
TABLE_LABELS: dict[str, Label] = {
    "application": ("Credit application", "Demande de crédit"),
    "application_train": ("Credit application", "Demande de crédit"),
    "application_test": ("Credit application", "Demande de crédit"),
    "domain": ("Application ratios", "Ratios de la demande"),
    "bureau": ("Credits in the credit bureau", "Crédits au bureau de crédit"),
    "bureau_balance": ("Monthly credit bureau history", "Historique mensuel du bureau de crédit"),
    "previous_application": ("Previous applications", "Demandes de crédit précédentes"),
    "POS_CASH_balance": ("Monthly records of previous loans", "Relevés mensuels des prêts précédents"),
    "installments_payments": ("Instalments of previous loans", "Mensualités des prêts précédents"),
    "credit_card_balance": ("Monthly credit card statements", "Relevés mensuels de carte de crédit"),
}

#: Features whose value is already a number of years.
YEAR_VALUED: frozenset[str] = frozenset(
    {"OWN_CAR_AGE", "AGE_YEARS", "YEARS_EMPLOYED", "YEARS_REGISTRATION", "YEARS_ID_PUBLISH"}
)

_REG = "le changement d'enregistrement"
_ID = "le changement de pièce d'identité"

#: ``{domain feature: (en, fr, unit)}`` for every name of ``DOMAIN_FEATURES``.
DOMAIN_LABELS: dict[str, tuple[str, str, str]] = {
    "CREDIT_TERM": ("Credit term in annuities", "Durée du crédit en mensualités", "number"),
    "CREDIT_GOODS_RATIO": ("Credit-to-goods-price ratio", "Rapport crédit / prix du bien", "ratio"),
    "CREDIT_GOODS_DIFF": (
        "Credit amount above goods price",
        "Écart entre crédit et prix du bien",
        "currency",
    ),
    "ANNUITY_INCOME_RATIO": ("Annuity-to-income ratio", "Taux d'effort (mensualité / revenu)", "percent"),
    "CREDIT_INCOME_RATIO": ("Credit-to-income ratio", "Rapport crédit / revenu", "ratio"),
    "INCOME_PER_FAMILY_MEMBER": ("Income per household member", "Revenu par membre du foyer", "currency"),
    "CHILDREN_RATIO": ("Share of children in the household", "Part des enfants dans le foyer", "percent"),
    "AGE_YEARS": ("Age in years", "Âge en années", "number"),
    "YEARS_EMPLOYED": ("Employment length in years", "Ancienneté dans l'emploi en années", "number"),
    "YEARS_REGISTRATION": (
        "Time since registration change in years",
        f"Temps depuis {_REG} en années",
        "number",
    ),
    "YEARS_ID_PUBLISH": (
        "Time since identity document change in years",
        f"Temps depuis {_ID} en années",
        "number",
    ),
    "EMPLOYED_AGE_RATIO": (
        "Employment length relative to age",
        "Ancienneté dans l'emploi rapportée à l'âge",
        "percent",
    ),
    "REGISTRATION_AGE_RATIO": (
        "Time since registration change relative to age",
        f"Temps depuis {_REG} rapporté à l'âge",
        "percent",
    ),
    "ID_PUBLISH_AGE_RATIO": (
        "Time since identity document change relative to age",
        f"Temps depuis {_ID} rapporté à l'âge",
        "percent",
    ),
    "PHONE_CHANGE_AGE_RATIO": (
        "Time since last phone change relative to age",
        "Temps depuis le dernier changement de téléphone rapporté à l'âge",
        "percent",
    ),
    "NOT_EMPLOYED": ("Not employed", "Absence d'emploi", "flag"),
    "CAR_AGE_RATIO": (
        "Car age relative to the client's age",
        "Âge de la voiture rapporté à l'âge du client",
        "ratio",
    ),
    "EXT_SOURCES_MEAN": ("Average external credit score", "Score de crédit externe moyen", "score"),
    "EXT_SOURCES_MIN": ("Lowest external credit score", "Score de crédit externe le plus bas", "score"),
    "EXT_SOURCES_MAX": ("Highest external credit score", "Score de crédit externe le plus élevé", "score"),
    "EXT_SOURCES_STD": (
        "Spread of the external credit scores",
        "Dispersion des scores de crédit externes",
        "score",
    ),
    "EXT_SOURCES_PROD": (
        "Product of the external credit scores",
        "Produit des scores de crédit externes",
        "score",
    ),
    "EXT_SOURCES_WEIGHTED": (
        "Weighted sum of the external credit scores",
        "Somme pondérée des scores de crédit externes",
        "score",
    ),
    "EXT_SOURCES_NAN_COUNT": (
        "Number of missing external credit scores",
        "Nombre de scores de crédit externes manquants",
        "count",
    ),
    "DOCUMENT_COUNT": ("Number of documents provided", "Nombre de documents fournis", "count"),
    "REGION_MISMATCH_COUNT": (
        "Number of address mismatches (home, work, registration)",
        "Nombre d'adresses discordantes (domicile, travail, enregistrement)",
        "count",
    ),
    "CREDIT_BUREAU_REQUESTS": (
        "Number of credit bureau enquiries before application",
        "Nombre de consultations du bureau de crédit avant la demande",
        "count",
    ),
    **{
        f"SOCIAL_DEF_{d}_RATIO": (
            f"Share of social circle in default ({d} days late)",
            f"Part des proches en défaut de paiement ({d} jours de retard)",
            "percent",
        )
        for d in (30, 60)
    },
}
