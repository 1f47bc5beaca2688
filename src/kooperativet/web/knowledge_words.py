"""The bank's categories and sources in words, for the pages (the files use stable English keys)."""

from __future__ import annotations

from kooperativet.web.i18n import N_

CATEGORY_NAMES = {
    "pay": N_("Pay"),
    "employment": N_("Employment"),
    "tax": N_("Tax"),
    "invoicing": N_("Invoicing"),
    "governance": N_("Meetings and decisions"),
    "office-routines": N_("Office routines"),
    "pricing": N_("Pricing"),
    "insurance": N_("Insurance"),
}
AUDIENCE_NAMES = {"member": N_("Members"), "office": N_("The office")}
#: Whom a guide is written for, as its footer says it.
WRITTEN_FOR = {"member": N_("Written for members"), "office": N_("Written for the office")}
SOURCE_NAMES = {
    # The articles shipped with the software (``knowledge/bank``), which every cooperative starts from.
    "default": N_("a standard guide that comes with the software"),
    "local": N_("the cooperative's own"),
    "imported": N_("taken from another cooperative"),
}
KIND_NAMES = {
    "edit": N_("edited"),
    "reset": N_("back to the default"),
    "take": N_("taken from a bundle"),
}
