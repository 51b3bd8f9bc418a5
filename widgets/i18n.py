"""User-interface strings of the widgets and the dashboard, in English and French."""

from __future__ import annotations

__all__ = ["LANGUAGES", "tr"]

LANGUAGES = ("en", "fr")

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
    # gauge
    "probability_default": ("Probability of default", "Probabilité de défaut"),
    "threshold": ("threshold", "seuil"),
    "approve": ("Approve", "Accord"),
    "refuse": ("Refuse", "Refus"),
    "below": ("points below the threshold", "points sous le seuil"),
    "above": ("points above the threshold", "points au-dessus du seuil"),
    "at": ("at the threshold", "au seuil"),
    # profile
    "profile": ("Client profile", "Profil du client"),
    "mask": ("Mask sensitive fields", "Masquer les champs sensibles"),
    "masked": ("hidden", "masqué"),
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
    "mean_abs_shap": ("mean impact on the score (|SHAP|, log-odds)", "impact moyen sur le score (|SHAP|, log-odds)"),
    # population
    "feature": ("Feature", "Variable"),
    "distribution": ("This client among all clients", "Ce client parmi tous les clients"),
    "all_clients": ("all clients", "tous les clients"),
    "repaid": ("repaid", "ont remboursé"),
    "defaulted": ("defaulted", "en défaut"),
    "share_clients": ("share of clients", "part des clients"),
    "percentile": ("percentile", "centile"),
    "higher_than": ("higher than {p:.0f}% of clients", "supérieur à {p:.0f} % des clients"),
    "missing_value": ("value not known for this client", "valeur inconnue pour ce client"),
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
        "Change the loan or income and see the new score. Nothing is saved.",
        "Modifiez le prêt ou le revenu et voyez le nouveau score. Rien n'est enregistré.",
    ),
    "reset": ("Reset", "Réinitialiser"),
    "current": ("current", "actuel"),
    "simulated": ("simulated", "simulé"),
    "change": ("change", "écart"),
    "no_change": ("No change yet.", "Aucune modification pour l'instant."),
    "counterfactual": ("Closest approval", "Accord le plus proche"),
    "find_cf": ("Suggest a change", "Proposer une modification"),
    "cf_found": ("The loan would be approved with:", "Le prêt serait accordé avec :"),
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
