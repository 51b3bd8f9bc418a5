"""User-interface strings of the widgets and the dashboard, in English and French."""

from __future__ import annotations

from scoring_core.languages import LANGUAGES

__all__ = ["LANGUAGES", "tr"]

_STRINGS: dict[str, tuple[str, str]] = {
    # dashboard
    "title": ("Credit decision", "Décision de crédit"),
    "subtitle": ("Prêt à dépenser — advisor view", "Prêt à dépenser — vue conseiller"),
    "language": ("Language", "Langue"),
    "model": ("Model", "Modèle"),
    "via": ("via", "via"),
    "tab_decision": ("Decision", "Décision"),
    "tab_explanation": ("Why", "Pourquoi"),
    "tab_comparison": ("Comparison", "Comparaison"),
    "tab_whatif": ("What if", "Simulation"),
    "tab_threshold": ("Threshold", "Seuil"),
    "pick_prompt": ("Pick a client to see their score.", "Choisissez un client pour voir son score."),
    "error": ("Error", "Erreur"),
    # picker
    "client_id": ("Client ID", "N° client"),
    "show": ("Show", "Afficher"),
    "portfolio": ("Portfolio", "Portefeuille"),
    "riskiest_first": ("riskiest first", "les plus risqués d'abord"),
    "search_hint": ("type an ID or its first digits", "tapez un n° ou ses premiers chiffres"),
    "not_a_number": ("A client ID is a whole number.", "Un n° client est un nombre entier."),
    "matches": ("matching clients", "clients correspondants"),
    "match_one": ("matching client", "client correspondant"),
    "unknown_client": (
        "No client with ID {cid}. Check the number, or pick a client in the portfolio.",
        "Aucun client ne porte le n° {cid}. Vérifiez le numéro ou choisissez un client dans le portefeuille.",
    ),
    "bad_query_client": (
        "The link asks for client “{text}”, which is not a client ID (a whole number). Type the ID above.",
        "Le lien demande le client « {text} », qui n'est pas un n° client (un nombre entier). Tapez le n° ci-dessus.",
    ),
    "not_in_portfolio": (
        "This client is not among the riskiest listed here.",
        "Ce client ne fait pas partie des plus risqués listés ici.",
    ),
    # gauge
    "probability_default": ("Probability of default", "Probabilité de défaut"),
    "threshold": ("threshold", "seuil"),
    "approve": ("Approve", "Accord"),
    "refuse": ("Refuse", "Refus"),
    "below": ("points below the threshold", "points sous le seuil"),
    "above": ("points above the threshold", "points au-dessus du seuil"),
    "at": ("at the threshold", "au seuil"),
    "gauge_empty": (
        "No score yet: type a client ID or pick a client in the portfolio.",
        "Pas encore de score : tapez un n° client ou choisissez un client dans le portefeuille.",
    ),
    # profile
    "profile": ("Client profile", "Profil du client"),
    "mask": ("Mask sensitive fields", "Masquer les champs sensibles"),
    "masked": ("hidden", "masqué"),
    "loan_term": ("Term", "Durée"),
    "months_n": ("{n} monthly payments", "{n} mensualités"),
    "month_one": ("{n} monthly payment", "{n} mensualité"),
    # explanation
    "top_factors": ("Main factors of this score", "Principaux facteurs de ce score"),
    "average_client": ("average client", "client moyen"),
    "this_client": ("this client", "ce client"),
    "other_features": ("other features", "autres variables"),
    "raises_risk": ("raises the risk", "augmente le risque"),
    "lowers_risk": ("lowers the risk", "diminue le risque"),
    "points_pd": ("points of probability of default", "points de probabilité de défaut"),
    "reasons": ("In plain words", "En clair"),
    "global_importance": ("What the model looks at overall", "Ce que le modèle regarde en général"),
    "mean_abs_shap": ("average weight in the scores", "poids moyen dans les scores"),
    "importance_note": (
        "How much each feature moves the scores on average, in either direction (for data scientists: "
        "the mean absolute SHAP value on the model's internal log-odds scale).",
        "De combien chaque variable fait bouger les scores en moyenne, dans un sens ou dans l'autre "
        "(pour les data scientists : la moyenne de la valeur SHAP absolue, sur l'échelle interne du modèle en log-odds).",
    ),
    # population
    "feature": ("Feature", "Variable"),
    "distribution": ("This client among all clients", "Ce client parmi tous les clients"),
    "all_clients": ("all clients", "tous les clients"),
    "repaid": ("repaid", "ont remboursé"),
    "defaulted": ("defaulted", "en défaut"),
    "share_clients": ("share of clients", "part des clients"),
    "percentile": ("percentile", "centile"),
    "higher_than": ("higher than for {p} of clients", "plus élevé que pour {p} des clients"),
    "missing_value": ("value not known for this client", "valeur inconnue pour ce client"),
    "distribution_empty": (
        "Pick a client to compare them with the other clients.",
        "Choisissez un client pour le comparer aux autres clients.",
    ),
    "bivariate_empty": (
        "Pick a client and two features to place the client among the others.",
        "Choisissez un client et deux variables pour situer le client parmi les autres.",
    ),
    "bivariate_few": (
        "This client has fewer than two numeric features to show together.",
        "Ce client a moins de deux variables numériques à croiser.",
    ),
    "bivariate": ("Two features together", "Deux variables ensemble"),
    "x_axis": ("Horizontal", "Horizontal"),
    "y_axis": ("Vertical", "Vertical"),
    "colour_by": ("Colour by", "Couleur selon"),
    "by_score": ("mean score", "score moyen"),
    "by_outcome": ("observed default rate", "taux de défaut observé"),
    "cells_hidden": (
        "Cells with fewer than {n} clients are left blank.",
        "Les cases de moins de {n} clients sont laissées vides.",
    ),
    # what-if
    "whatif": ("Try a change", "Essayer une modification"),
    "whatif_hint": (
        "Change the amount, the term or the income and see the new score; the monthly payment follows. "
        "Nothing is saved.",
        "Modifiez le montant, la durée ou le revenu et voyez le nouveau score ; la mensualité suit. "
        "Rien n'est enregistré.",
    ),
    "whatif_empty": (
        "Pick a client to try changes to their loan.",
        "Choisissez un client pour essayer des modifications de son prêt.",
    ),
    "whatif_no_loan": (
        "The amount or the monthly payment of this loan is not known: only the income can be changed.",
        "Le montant ou la mensualité de ce prêt est inconnu : seul le revenu peut être modifié.",
    ),
    "credit_amount": ("Credit amount", "Montant du crédit"),
    "term_months": ("Term (months)", "Durée (mois)"),
    "income_year": ("Income per year", "Revenu annuel"),
    "payment": ("Monthly payment", "Mensualité"),
    "payment_now": ("now {old}", "actuellement {old}"),
    "reset": ("Reset", "Réinitialiser"),
    "current": ("current", "actuel"),
    "simulated": ("simulated", "simulé"),
    "change": ("change", "écart"),
    "no_change": ("No change yet.", "Aucune modification pour l'instant."),
    "counterfactual": ("Closest approval", "Accord le plus proche"),
    "find_cf": ("Suggest an offer", "Proposer une offre"),
    "cf_offer": (
        "Approved with a credit of {credit} over {months} ({payment}).",
        "Accordé avec un crédit de {credit} sur {months} ({payment}).",
    ),
    "cf_request": (
        "Request: {credit} over {months} ({payment}).",
        "Demande : {credit} sur {months} ({payment}).",
    ),
    "months_word": ("{n} months", "{n} mois"),
    "month_word": ("{n} month", "{n} mois"),
    "cf_probability": (
        "Probability of default {old} → {new} (threshold {thr}).",
        "Probabilité de défaut {old} → {new} (seuil {thr}).",
    ),
    "cf_none": (
        "No offer found: neither a credit down to {share} of the request nor a term up to {months} months "
        "brings the risk under the threshold.",
        "Aucune offre trouvée : ni un crédit réduit jusqu'à {share} de la demande ni une durée jusqu'à {months} mois "
        "ne font passer le risque sous le seuil.",
    ),
    "cf_approved": (
        "The request is already approved: no change needed.",
        "La demande est déjà accordée : aucune modification nécessaire.",
    ),
    "cf_unknown_loan": (
        "The amount or the monthly payment of this loan is not known: no offer can be computed.",
        "Le montant ou la mensualité de ce prêt est inconnu : aucune offre ne peut être calculée.",
    ),
    "cf_apply": ("Try it", "L'essayer"),
    # threshold
    "tuner": ("Decision threshold and business cost", "Seuil de décision et coût métier"),
    "cost_fn": ("Cost of a missed defaulter", "Coût d'un défaut non détecté"),
    "cost_fp": ("Cost of a refused good client", "Coût d'un bon client refusé"),
    "cost_per_client": ("cost per client", "coût par client"),
    "approval_rate": ("approval rate", "taux d'accord"),
    "recall": ("defaulters caught", "défauts détectés"),
    "model_threshold": ("model threshold", "seuil du modèle"),
    "best_threshold": ("lowest cost", "coût minimal"),
    "predicted_refuse": ("refused", "refusé"),
    "predicted_approve": ("approved", "accordé"),
    "actual_default": ("defaulted", "en défaut"),
    "actual_repaid": ("repaid", "a remboursé"),
    "oof_note": (
        "Out-of-fold predictions of the training run; moving the slider does not change the model.",
        "Prédictions hors échantillon de l'entraînement ; le curseur ne modifie pas le modèle.",
    ),
    "threshold_pct": ("threshold {p}", "seuil {p}"),
    "no_curve": (
        "This model has no threshold curve (trained by an older version): retrain it.",
        "Ce modèle n'a pas de courbe de seuil (ancienne version) : réentraînez-le.",
    ),
}


def tr(key: str, lang: str = "en", **fmt) -> str:
    """The interface string ``key`` in ``lang`` (``"en"`` or ``"fr"``)."""
    en, fr = _STRINGS[key]
    text = fr if lang == "fr" else en
    return text.format(**fmt) if fmt else text
