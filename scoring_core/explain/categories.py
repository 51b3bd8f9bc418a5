"""English and French labels of the category levels of the Home Credit tables.

The data's levels are English codes ("Working", "Cash loans", "House / apartment",
"Business Entity Type 3", "XNA"). Whatever a person reads shows them through
:func:`category_label`: a readable English label and its French translation. The levels are
keyed by column name; a column that appears in several tables with the same meaning
(``NAME_CONTRACT_TYPE``, ``NAME_CONTRACT_STATUS``, ``NAME_TYPE_SUITE``...) holds the union of
their levels. ``XNA``/``XAP`` are missing values once loaded (see
:data:`scoring_core.data.schema.MISSING_TOKENS`) and read "missing".

Examples
--------
>>> category_label("NAME_INCOME_TYPE", "Working", "fr")
'Salarié'
>>> category_label("ORGANIZATION_TYPE", "Business Entity Type 3", "fr")
'Entreprise (type 3)'
>>> category_label("WEEKDAY_APPR_PROCESS_START", "MONDAY", "en")
'Monday'
"""

from __future__ import annotations

import logging

from ..data.schema import MISSING_TOKENS, SCHEMAS
from ..languages import LANGUAGES, check_language

__all__ = ["CATEGORY_LABELS", "categorical_columns", "category_label", "category_levels"]

logger = logging.getLogger(__name__)

Label = tuple[str, str]

_YES_NO: dict[str, Label] = {
    "Y": ("Yes", "Oui"),
    "N": ("No", "Non"),
    "Yes": ("Yes", "Oui"),
    "No": ("No", "Non"),
}
_WEEKDAYS: dict[str, Label] = {
    "MONDAY": ("Monday", "Lundi"),
    "TUESDAY": ("Tuesday", "Mardi"),
    "WEDNESDAY": ("Wednesday", "Mercredi"),
    "THURSDAY": ("Thursday", "Jeudi"),
    "FRIDAY": ("Friday", "Vendredi"),
    "SATURDAY": ("Saturday", "Samedi"),
    "SUNDAY": ("Sunday", "Dimanche"),
}
_SUITE: dict[str, Label] = {
    "Unaccompanied": ("Unaccompanied", "Non accompagné"),
    "Family": ("Family", "Famille"),
    "Spouse, partner": ("Spouse, partner", "Conjoint, partenaire"),
    "Children": ("Children", "Enfants"),
    "Other_A": ("Other (A)", "Autre (A)"),
    "Other_B": ("Other (B)", "Autre (B)"),
    "Group of people": ("Group of people", "Groupe de personnes"),
}
_ORGANIZATION: dict[str, Label] = {
    "Advertising": ("Advertising", "Publicité"),
    "Agriculture": ("Agriculture", "Agriculture"),
    "Bank": ("Bank", "Banque"),
    "Cleaning": ("Cleaning", "Nettoyage"),
    "Construction": ("Construction", "Bâtiment"),
    "Culture": ("Culture", "Culture"),
    "Electricity": ("Electricity", "Électricité"),
    "Emergency": ("Emergency services", "Services d'urgence"),
    "Government": ("Government", "Administration"),
    "Hotel": ("Hotel", "Hôtellerie"),
    "Housing": ("Housing", "Logement"),
    "Insurance": ("Insurance", "Assurance"),
    "Kindergarten": ("Kindergarten", "École maternelle"),
    "Legal Services": ("Legal services", "Services juridiques"),
    "Medicine": ("Medicine", "Santé"),
    "Military": ("Military", "Armée"),
    "Mobile": ("Mobile telephony", "Téléphonie mobile"),
    "Other": ("Other", "Autre"),
    "Police": ("Police", "Police"),
    "Postal": ("Postal services", "Poste"),
    "Realtor": ("Real estate agency", "Agence immobilière"),
    "Religion": ("Religion", "Religion"),
    "Restaurant": ("Restaurant", "Restauration"),
    "School": ("School", "École"),
    "Security": ("Security", "Sécurité"),
    "Security Ministries": ("Security ministries", "Ministères de la sécurité"),
    "Self-employed": ("Self-employed", "Indépendant"),
    "Services": ("Services", "Services"),
    "Telecom": ("Telecom", "Télécommunications"),
    "University": ("University", "Université"),
    **{f"Business Entity Type {i}": (f"Business (type {i})", f"Entreprise (type {i})") for i in range(1, 4)},
    **{f"Industry: type {i}": (f"Industry (type {i})", f"Industrie (type {i})") for i in range(1, 14)},
    **{f"Trade: type {i}": (f"Trade (type {i})", f"Commerce (type {i})") for i in range(1, 8)},
    **{f"Transport: type {i}": (f"Transport (type {i})", f"Transport (type {i})") for i in range(1, 5)},
}
_OCCUPATION: dict[str, Label] = {
    "Accountants": ("Accountants", "Comptables"),
    "Cleaning staff": ("Cleaning staff", "Personnel de nettoyage"),
    "Cooking staff": ("Cooking staff", "Personnel de cuisine"),
    "Core staff": ("Core staff", "Personnel de base"),
    "Drivers": ("Drivers", "Chauffeurs"),
    "HR staff": ("HR staff", "Ressources humaines"),
    "High skill tech staff": ("Highly skilled technicians", "Techniciens hautement qualifiés"),
    "IT staff": ("IT staff", "Informaticiens"),
    "Laborers": ("Labourers", "Ouvriers"),
    "Low-skill Laborers": ("Low-skill labourers", "Ouvriers peu qualifiés"),
    "Managers": ("Managers", "Cadres"),
    "Medicine staff": ("Medical staff", "Personnel médical"),
    "Private service staff": ("Private service staff", "Personnel de service privé"),
    "Realty agents": ("Real estate agents", "Agents immobiliers"),
    "Sales staff": ("Sales staff", "Vendeurs"),
    "Secretaries": ("Secretaries", "Secrétaires"),
    "Security staff": ("Security staff", "Agents de sécurité"),
    "Waiters/barmen staff": ("Waiters and bar staff", "Serveurs et barmans"),
}
_CONTRACT_STATUS: dict[str, Label] = {
    "Approved": ("Approved", "Accordé"),
    "Refused": ("Refused", "Refusé"),
    "Canceled": ("Cancelled", "Annulé"),
    "Unused offer": ("Unused offer", "Offre non utilisée"),
    "Active": ("Active", "En cours"),
    "Completed": ("Completed", "Terminé"),
    "Signed": ("Signed", "Signé"),
    "Returned to the store": ("Returned to the store", "Retourné au magasin"),
    "Amortized debt": ("Amortised debt", "Dette amortie"),
    "Demand": ("Formal demand", "Mise en demeure"),
    "Sent proposal": ("Proposal sent", "Proposition envoyée"),
}
_CASH_LOAN_PURPOSE: dict[str, Label] = {
    "Building a house or an annex": (
        "Building a house or an annex",
        "Construction d'une maison ou d'une annexe",
    ),
    "Business development": ("Business development", "Développement d'une entreprise"),
    "Buying a garage": ("Buying a garage", "Achat d'un garage"),
    "Buying a holiday home / land": (
        "Buying a holiday home or land",
        "Achat d'une résidence secondaire ou d'un terrain",
    ),
    "Buying a home": ("Buying a home", "Achat d'un logement"),
    "Buying a new car": ("Buying a new car", "Achat d'une voiture neuve"),
    "Buying a used car": ("Buying a used car", "Achat d'une voiture d'occasion"),
    "Car repairs": ("Car repairs", "Réparation de voiture"),
    "Education": ("Education", "Études"),
    "Everyday expenses": ("Everyday expenses", "Dépenses courantes"),
    "Furniture": ("Furniture", "Meubles"),
    "Gasification / water supply": ("Gas or water connection", "Raccordement au gaz ou à l'eau"),
    "Hobby": ("Hobby", "Loisirs"),
    "Journey": ("Journey", "Voyage"),
    "Medicine": ("Medical expenses", "Frais médicaux"),
    "Money for a third person": ("Money for a third person", "Argent pour un tiers"),
    "Other": ("Other", "Autre"),
    "Payments on other loans": ("Payments on other loans", "Remboursement d'autres prêts"),
    "Purchase of electronic equipment": ("Electronic equipment", "Matériel électronique"),
    "Refusal to name the goal": ("Purpose not given", "Objet non précisé"),
    "Repairs": ("Repairs", "Travaux"),
    "Urgent needs": ("Urgent needs", "Besoins urgents"),
    "Wedding / gift / holiday": ("Wedding, gift or holiday", "Mariage, cadeau ou vacances"),
}
_GOODS_CATEGORY: dict[str, Label] = {
    "Additional Service": ("Additional service", "Service complémentaire"),
    "Animals": ("Animals", "Animaux"),
    "Audio/Video": ("Audio and video", "Audio et vidéo"),
    "Auto Accessories": ("Car accessories", "Accessoires auto"),
    "Clothing and Accessories": ("Clothing and accessories", "Vêtements et accessoires"),
    "Computers": ("Computers", "Informatique"),
    "Construction Materials": ("Building materials", "Matériaux de construction"),
    "Consumer Electronics": ("Consumer electronics", "Électronique grand public"),
    "Direct Sales": ("Direct sales", "Vente directe"),
    "Education": ("Education", "Éducation"),
    "Fitness": ("Fitness", "Remise en forme"),
    "Furniture": ("Furniture", "Meubles"),
    "Gardening": ("Gardening", "Jardinage"),
    "Homewares": ("Homewares", "Articles ménagers"),
    "House Construction": ("House construction", "Construction de maison"),
    "Insurance": ("Insurance", "Assurance"),
    "Jewelry": ("Jewellery", "Bijouterie"),
    "Medical Supplies": ("Medical supplies", "Fournitures médicales"),
    "Medicine": ("Medicine", "Médicaments"),
    "Mobile": ("Mobile phones", "Téléphones mobiles"),
    "Office Appliances": ("Office equipment", "Matériel de bureau"),
    "Other": ("Other", "Autre"),
    "Photo / Cinema Equipment": ("Photo and cinema equipment", "Matériel photo et cinéma"),
    "Sport and Leisure": ("Sport and leisure", "Sport et loisirs"),
    "Tourism": ("Tourism", "Tourisme"),
    "Vehicles": ("Vehicles", "Véhicules"),
    "Weapon": ("Weapons", "Armes"),
}
_CHANNEL: dict[str, Label] = {
    "AP+ (Cash loan)": ("AP+ (cash loan)", "AP+ (prêt personnel)"),
    "Car dealer": ("Car dealer", "Concessionnaire automobile"),
    "Channel of corporate sales": ("Corporate sales", "Ventes aux entreprises"),
    "Contact center": ("Contact centre", "Centre d'appels"),
    "Country-wide": ("Country-wide", "National"),
    "Credit and cash offices": ("Credit and cash offices", "Agences de crédit"),
    "Regional / Local": ("Regional or local", "Régional ou local"),
    "Stone": ("Shop", "Magasin"),
}
_SELLER_INDUSTRY: dict[str, Label] = {
    "Auto technology": ("Car technology", "Automobile"),
    "Clothing": ("Clothing", "Habillement"),
    "Connectivity": ("Connectivity", "Télécommunications"),
    "Construction": ("Construction", "Bâtiment"),
    "Consumer electronics": ("Consumer electronics", "Électronique grand public"),
    "Furniture": ("Furniture", "Meubles"),
    "Industry": ("Industry", "Industrie"),
    "Jewelry": ("Jewellery", "Bijouterie"),
    "MLM partners": ("Multi-level marketing", "Vente multiniveau"),
    "Tourism": ("Tourism", "Tourisme"),
}
_PRODUCT_COMBINATION: dict[str, Label] = {
    "Card Street": ("Card, walk-in", "Carte, client spontané"),
    "Card X-Sell": ("Card, cross-sell", "Carte, vente croisée"),
    "Cash": ("Cash loan", "Prêt personnel"),
    "Cash Street: high": ("Cash loan, walk-in, high rate", "Prêt personnel, client spontané, taux élevé"),
    "Cash Street: low": ("Cash loan, walk-in, low rate", "Prêt personnel, client spontané, taux bas"),
    "Cash Street: middle": ("Cash loan, walk-in, middle rate", "Prêt personnel, client spontané, taux moyen"),
    "Cash X-Sell: high": ("Cash loan, cross-sell, high rate", "Prêt personnel, vente croisée, taux élevé"),
    "Cash X-Sell: low": ("Cash loan, cross-sell, low rate", "Prêt personnel, vente croisée, taux bas"),
    "Cash X-Sell: middle": (
        "Cash loan, cross-sell, middle rate",
        "Prêt personnel, vente croisée, taux moyen",
    ),
    "POS household with interest": (
        "Shop, household goods, with interest",
        "Magasin, équipement de la maison, avec intérêts",
    ),
    "POS household without interest": (
        "Shop, household goods, interest-free",
        "Magasin, équipement de la maison, sans intérêts",
    ),
    "POS industry with interest": ("Shop, industry, with interest", "Magasin, industrie, avec intérêts"),
    "POS industry without interest": ("Shop, industry, interest-free", "Magasin, industrie, sans intérêts"),
    "POS mobile with interest": ("Shop, mobile phones, with interest", "Magasin, téléphonie, avec intérêts"),
    "POS mobile without interest": (
        "Shop, mobile phones, interest-free",
        "Magasin, téléphonie, sans intérêts",
    ),
    "POS other with interest": ("Shop, other, with interest", "Magasin, autre, avec intérêts"),
    "POS others without interest": ("Shop, other, interest-free", "Magasin, autre, sans intérêts"),
}
_CREDIT_TYPE: dict[str, Label] = {
    "Another type of loan": ("Another type of loan", "Autre type de prêt"),
    "Car loan": ("Car loan", "Prêt automobile"),
    "Cash loan (non-earmarked)": ("Cash loan (not earmarked)", "Prêt personnel non affecté"),
    "Consumer credit": ("Consumer credit", "Crédit à la consommation"),
    "Credit card": ("Credit card", "Carte de crédit"),
    "Interbank credit": ("Interbank credit", "Crédit interbancaire"),
    "Loan for business development": ("Business development loan", "Prêt de développement d'entreprise"),
    "Loan for purchase of shares (margin lending)": ("Margin lending", "Prêt pour achat d'actions"),
    "Loan for the purchase of equipment": ("Equipment loan", "Prêt d'équipement"),
    "Loan for working capital replenishment": ("Working capital loan", "Prêt de trésorerie d'entreprise"),
    "Microloan": ("Microloan", "Microcrédit"),
    "Mobile operator loan": ("Mobile operator loan", "Prêt d'opérateur mobile"),
    "Mortgage": ("Mortgage", "Prêt immobilier"),
    "Real estate loan": ("Real estate loan", "Crédit immobilier"),
    "Unknown type of loan": ("Unknown type of loan", "Type de prêt inconnu"),
}

#: ``{column: {level: (English label, French label)}}`` for every categorical column of the schema.
CATEGORY_LABELS: dict[str, dict[str, Label]] = {
    "NAME_CONTRACT_TYPE": {
        "Cash loans": ("Cash loan", "Prêt personnel"),
        "Revolving loans": ("Revolving credit", "Crédit renouvelable"),
        "Consumer loans": ("Consumer loan", "Crédit à la consommation"),
    },
    "CODE_GENDER": {"F": ("Woman", "Femme"), "M": ("Man", "Homme")},
    "FLAG_OWN_CAR": _YES_NO,
    "FLAG_OWN_REALTY": _YES_NO,
    "NAME_TYPE_SUITE": _SUITE,
    "NAME_INCOME_TYPE": {
        "Working": ("Employee", "Salarié"),
        "Commercial associate": ("Commercial associate", "Agent commercial"),
        "Pensioner": ("Pensioner", "Retraité"),
        "State servant": ("Civil servant", "Fonctionnaire"),
        "Unemployed": ("Unemployed", "Sans emploi"),
        "Student": ("Student", "Étudiant"),
        "Businessman": ("Business owner", "Chef d'entreprise"),
        "Maternity leave": ("Maternity leave", "Congé maternité"),
    },
    "NAME_EDUCATION_TYPE": {
        "Secondary / secondary special": ("Secondary school", "Secondaire"),
        "Higher education": ("Higher education", "Études supérieures"),
        "Incomplete higher": ("Higher education, not completed", "Études supérieures non terminées"),
        "Lower secondary": ("Lower secondary school", "Collège"),
        "Academic degree": ("Academic degree", "Doctorat"),
    },
    "NAME_FAMILY_STATUS": {
        "Married": ("Married", "Marié"),
        "Single / not married": ("Single", "Célibataire"),
        "Civil marriage": ("Civil partnership", "Union libre"),
        "Separated": ("Separated", "Séparé"),
        "Widow": ("Widowed", "Veuf ou veuve"),
        "Unknown": ("Unknown", "Inconnue"),
    },
    "NAME_HOUSING_TYPE": {
        "House / apartment": ("House or flat", "Maison ou appartement"),
        "With parents": ("With parents", "Chez ses parents"),
        "Municipal apartment": ("Social housing", "Logement social"),
        "Rented apartment": ("Rented flat", "Location"),
        "Office apartment": ("Company housing", "Logement de fonction"),
        "Co-op apartment": ("Co-op flat", "Logement coopératif"),
    },
    "OCCUPATION_TYPE": _OCCUPATION,
    "WEEKDAY_APPR_PROCESS_START": _WEEKDAYS,
    "ORGANIZATION_TYPE": _ORGANIZATION,
    "FONDKAPREMONT_MODE": {
        "reg oper account": ("Regular operating account", "Compte d'exploitation courant"),
        "reg oper spec account": ("Special operating account", "Compte d'exploitation spécial"),
        "org spec account": ("Organisation's special account", "Compte spécial de l'organisme"),
        "not specified": ("Not specified", "Non précisé"),
    },
    "HOUSETYPE_MODE": {
        "block of flats": ("Block of flats", "Immeuble"),
        "terraced house": ("Terraced house", "Maison mitoyenne"),
        "specific housing": ("Specific housing", "Logement spécifique"),
    },
    "WALLSMATERIAL_MODE": {
        "Wooden": ("Wood", "Bois"),
        "Monolithic": ("Monolithic concrete", "Béton monolithe"),
        "Panel": ("Panels", "Panneaux"),
        "Mixed": ("Mixed", "Mixte"),
        "Block": ("Blocks", "Parpaings"),
        "Stone, brick": ("Stone or brick", "Pierre ou brique"),
        "Others": ("Other", "Autre"),
    },
    "EMERGENCYSTATE_MODE": _YES_NO,
    "CREDIT_ACTIVE": {
        "Active": ("Active", "En cours"),
        "Closed": ("Closed", "Clos"),
        "Sold": ("Sold", "Cédé"),
        "Bad debt": ("Bad debt", "Créance irrécouvrable"),
    },
    "CREDIT_CURRENCY": {f"currency {i}": (f"Currency {i}", f"Devise {i}") for i in range(1, 5)},
    "CREDIT_TYPE": _CREDIT_TYPE,
    "STATUS": {
        "0": ("No delay", "Aucun retard"),
        "1": ("1 to 30 days late", "1 à 30 jours de retard"),
        "2": ("31 to 60 days late", "31 à 60 jours de retard"),
        "3": ("61 to 90 days late", "61 à 90 jours de retard"),
        "4": ("91 to 120 days late", "91 à 120 jours de retard"),
        "5": ("Over 120 days late or written off", "Plus de 120 jours de retard ou passé en perte"),
        "C": ("Closed", "Clos"),
        "X": ("Status unknown", "Statut inconnu"),
    },
    "FLAG_LAST_APPL_PER_CONTRACT": _YES_NO,
    "NAME_CASH_LOAN_PURPOSE": _CASH_LOAN_PURPOSE,
    "NAME_CONTRACT_STATUS": _CONTRACT_STATUS,
    "NAME_PAYMENT_TYPE": {
        "Cash through the bank": ("Cash through the bank", "Espèces à la banque"),
        "Cashless from the account of the employer": (
            "From the employer's account",
            "Par le compte de l'employeur",
        ),
        "Non-cash from your account": ("From the client's account", "Par le compte du client"),
    },
    "CODE_REJECT_REASON": {
        "HC": ("Bank's policy", "Politique de la banque"),
        "LIMIT": ("Limit", "Plafond"),
        "SCO": ("Scoring", "Score"),
        "SCOFR": ("Scoring (fraud)", "Score (fraude)"),
        "VERIF": ("Verification", "Vérification"),
        "SYSTEM": ("System", "Système"),
        "CLIENT": ("Client's choice", "Choix du client"),
    },
    "NAME_CLIENT_TYPE": {
        "New": ("New client", "Nouveau client"),
        "Repeater": ("Returning client", "Client récurrent"),
        "Refreshed": ("Returning after a break", "Client de retour"),
    },
    "NAME_GOODS_CATEGORY": _GOODS_CATEGORY,
    "NAME_PORTFOLIO": {
        "POS": ("Shop credit", "Crédit en magasin"),
        "Cash": ("Cash loan", "Prêt personnel"),
        "Cards": ("Card", "Carte"),
        "Cars": ("Car loan", "Prêt automobile"),
    },
    "NAME_PRODUCT_TYPE": {
        "x-sell": ("Cross-sell", "Vente croisée"),
        "walk-in": ("Walk-in", "Client spontané"),
    },
    "CHANNEL_TYPE": _CHANNEL,
    "NAME_SELLER_INDUSTRY": _SELLER_INDUSTRY,
    "NAME_YIELD_GROUP": {
        "low_action": ("Low rate (promotion)", "Taux bas (promotion)"),
        "low_normal": ("Low rate", "Taux bas"),
        "middle": ("Middle rate", "Taux moyen"),
        "high": ("High rate", "Taux élevé"),
    },
    "PRODUCT_COMBINATION": _PRODUCT_COMBINATION,
}

_MISSING: Label = ("missing", "manquant")


def categorical_columns() -> tuple[str, ...]:
    """Every categorical column of the schema's eight tables (each name once)."""
    seen: dict[str, None] = {}
    for schema in SCHEMAS.values():
        for col in schema.categorical:
            seen.setdefault(col, None)
    return tuple(seen)


def category_levels(column: str) -> tuple[str, ...]:
    """The data's levels of ``column`` that have a label (``()`` for an unknown column)."""
    return tuple(CATEGORY_LABELS.get(column, {}))


def _is_missing(level: object) -> bool:
    """None, NaN (float or numpy), ``pandas.NA`` or ``NaT``, without importing pandas (the
    dashboard's kernel in API mode stays light)."""
    if level is None or type(level).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(level != level)  # NaN is the one value unequal to itself
    except (TypeError, ValueError):
        return False


def category_label(column: str, level: object, lang: str = "en") -> str:
    """The label of ``level`` of categorical ``column`` in ``lang`` (``"en"`` or ``"fr"``).

    A missing level (``None``, NaN, ``XNA``, ``XAP``) reads "missing"/"manquant". A level
    without a label (a column or a level this module does not know) is returned as it is and
    logged at debug level, so that a new level in the data never breaks a view.

    Raises
    ------
    ValueError
        For an unknown language.
    """
    i = LANGUAGES.index(check_language(lang))
    if _is_missing(level) or str(level) in MISSING_TOKENS:
        return _MISSING[i]
    text = str(level)
    label = CATEGORY_LABELS.get(column, {}).get(text)
    if label is None:
        logger.debug("no label for level %r of %s", text, column)
        return text
    return label[i]
