"""Arbetsgivardeklaration på individnivå (AGI): Skatteverket's XML file, schema 1.1, one file per period.

The period is the **month of payment** (``YYYYMM``). The file holds a sender block (``Avsandare``), the
employer (``Blankettgemensamt/Arbetsgivare``), one ``Blankett`` with the main return (``HU``) and one
``Blankett`` per individual return (``IU``). Element names, their order, the two namespaces (default
*instans*, prefix ``agd`` *komponent*) and the ``faltkod`` attributes are copied from Skatteverket's example
files ("Bilaga Exempelfiler" 1.1.4 and 1.1.9, ``tests/reference/agi/``); the XSD is not among them.

Field codes written (source: the example files named; Skatteverket's technical description for AGI 1.1):

======  =============================  ==========================================================  ===========
FK      element                        value                                                       example
======  =============================  ==========================================================  ===========
201     AgRegistreradId                employer id, 12 digits (``16`` + organisation number)       01
006     RedovisningsPeriod             period ``YYYYMM``                                           01
487     SummaArbAvgSlf (HU)            per rate: Σ of the persons' whole-krona bases × rate, öre   01, 08
                                       dropped; then the rates' amounts added (83 050 × 31.42 %
                                       = 26 094.31 → 26094)
497     SummaSkatteavdr (HU)           Σ of the IUs' FK001 + FK274 + FK275                         01, 07
215     BetalningsmottagarId (IU)      personnummer with century, 12 digits                        01
216     Fornamn (IU)                   SINK/A-SINK payee: first name                               02, 03
217     Efternamn (IU)                 SINK/A-SINK payee: last name                                02, 03
218     Gatuadress (IU)                SINK/A-SINK payee: street address abroad                    02, 03
219     Postnummer (IU)                SINK/A-SINK payee: postal code                              02, 03
220     Postort (IU)                   SINK/A-SINK payee: town                                     02, 03
221     LandskodPostort (IU)           SINK/A-SINK payee: country of the address (ISO 3166 alpha-2) 02, 03
081     LandskodMedborgare (IU)        SINK/A-SINK payee: country of citizenship                   02, 03, 07
252     TIN (IU)                       SINK/A-SINK payee: tax identification number abroad         02, 03
076     LandskodTIN (IU)               the country that issued the TIN                             02, 03
570     Specifikationsnummer (IU)      stable per person and period, written ``001``               01
011     KontantErsattningUlagAG (IU)   cash pay that is a contribution base, öre dropped           01
001     AvdrPrelSkatt (IU)             preliminary tax withheld, ``0`` when none                   01, 14
274     AvdrSkattSINK (IU)             SINK tax instead of FK001                                   02
275     AvdrSkattASINK (IU)            A-SINK tax instead of FK001, with FK112                     03
131     KontantErsattningEjUlagSA (IU) cash pay that is not a base for employer contributions      03, 07
                                       (born 1937 or earlier; the year's pay below 1 000 kr)
112     VerksamhetensArt (IU)          A-SINK: kind of activity (``Konsert``)                      03
205     Borttag (IU)                   ``1``: removes an earlier IU; only 201/215/006/570 besides  10
======  =============================  ==========================================================  ===========

The IU's amounts come in the examples' order: FK011, the tax field, FK131, FK112 (Exempelfil_03 and _07).
FK011 is left out when all the pay is in FK131 (Exempelfil_03), and written as ``0`` when there is no pay.
A contact's name and a payee's FK216–218 and FK220 longer than 50 characters are cut, with a note
(``employer_declaration.CONTACT_NAME_MAX``, ``individual_return.PAYEE_TEXT_MAX``): the contact's 50 is the
schema's; the payee's is the KU field list's — verify against the current AGI Fältlista. What is known of the
lengths is in exports.md. The typed fields Skatteverket would refuse whole (the contact's name, phone and
e-mail, FK219 postal code, FK252 TIN, the program's name: ``core.agi_formats``) are found by
``field_problems`` before the file is made; the exporter refuses the export with all of them (``render``
itself writes what it is given).

FK487 (Skatteverket, ställningstagande 2017-06-08, dnr 131 238881-17/111): the IU amounts are whole kronor
(öre dropped on each person's amount), the contributions are computed for each rate on the sum of those whole-
krona bases with the öre dropped, and the amounts of the rates are added. Skatteverket derives each person's
rate from the personnummer in FK215 and the base from the IU amounts, so the bases per rate are *inputs to
FK487 only*; the HU has only 201, 006, 487 and 497 (plus 491/492/495/496 for tax on pensions and interest,
Exempelfil_11). A base may be larger than the person's FK011 of the month: the month in which the year's pay
reaches 1 000 kr also carries the contributions on the year's earlier pay (SFS 2000:980 2 kap. 24 § fourth
paragraph). The youth reduction (20.81 % up to 25 000 kr per person and month of payment, 2026-04-01 …
2027-09-30, SFS 2026:100) post-dates the examples, which show no youth field: we write none — **verify**
against the current "Teknisk beskrivning" for AGI 1.1 before the first youth period.
"""

from kooperativet.exports.formats.agi.elements import INSTANS_NS, KOMPONENT_NS, InvalidDeclaration
from kooperativet.exports.formats.agi.employer_declaration import (
    RETURNS_PER_CHUNK,
    Contact,
    ContributionBase,
    ContributionCategory,
    Employer,
    Sender,
    agi_due_date,
    agi_party_id,
    chunks,
    render,
    sum_employer_contributions,
    tax_payment_due_date,
)
from kooperativet.exports.formats.agi.field_formats import FieldProblem, field_problems
from kooperativet.exports.formats.agi.individual_return import (
    ForeignPayee,
    IndividualReturn,
    TaxMode,
    sum_tax_withheld,
)

__all__ = [
    "INSTANS_NS",
    "KOMPONENT_NS",
    "RETURNS_PER_CHUNK",
    "Contact",
    "ContributionBase",
    "ContributionCategory",
    "Employer",
    "FieldProblem",
    "ForeignPayee",
    "IndividualReturn",
    "InvalidDeclaration",
    "Sender",
    "TaxMode",
    "agi_due_date",
    "agi_party_id",
    "chunks",
    "field_problems",
    "render",
    "sum_employer_contributions",
    "sum_tax_withheld",
    "tax_payment_due_date",
]
