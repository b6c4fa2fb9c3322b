"""Relation patterns over templated sentences (entities replaced by `⟪K3⟫` tokens).

Each pattern says how English states one relation type: an active verb, a passive, an
appositive, a nominal ("A's acquisition of B"), a joint subject ("A and B partnered").
Named groups: `s` subject list, `o` object list, `v` the trigger (for hedge scope);
a pattern without `s` takes its subject from context (see `Pattern.implicit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliancemap.model import RelationType as T

E = r"⟪[KPURW]\d+⟫"
POSS = r"(?:'s?)?"
# An item: optional possessor ("OpenAI's GPT-4") then an entity, then optional possessive.
_DESCNOUN = (
    r"(?:(?:[A-Z][a-z]+|[a-z][\w\-]*)\s+){0,4}(?:firm|company|startup|start-up|maker|developer|"
    r"provider|platform|specialist|vendor|publisher|website|site|outlet|brand|lab|chipmaker|"
    r"carmaker|automaker|giant|fund|investor|group)\s+"
)
ITEM = rf"(?:{E}'s?\s+)?{E}{POSS}(?:\s*\([^()⟪⟫]{{1,20}}\))?"
# Later list items may carry a descriptor ("and Norwegian software maker X"); the first
# item's descriptor is matched by the pattern's own gap, which keeps matching fast.
_LATER_ITEM = rf"(?:{_DESCNOUN})?{ITEM}"
_SEP = (
    r"(?:\s*,\s*(?:which|who)\s[^,;⟪⟫]{1,80}?\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|"
    r"\s*,\s*(?:and\s+also\s+|and\s+|&\s+)|\s*/\s*|\s+(?:and|&|as well as|plus)\s+|"
    r"\s*,\s*(?:as well as|plus)\s+)"
)
# An item after a bare comma that is followed by a verb opens a new clause ("A acquiring B,
# C buying D"): it is not part of the list.
_NEW_CLAUSE = (
    r"(?!\s+(?:is|are|was|were|has|have|had|will|said|says|acquir\w*|buy\w*|bought|invest\w*|"
    r"partner\w*|purchas\w*|sued|sues|suing|launch\w*|announc\w*|raised|raises|compet\w*|"
    r"join\w*|took|takes|snapped|picked)\b)"
)
LIST = rf"{ITEM}(?:{_SEP}{_LATER_ITEM}|\s*,\s*{_LATER_ITEM}{_NEW_CLAUSE}){{0,14}}"
# Up to N plain words (no entity, no clause punctuation): "Israeli computer vision company".
_WORD = r"(?:(?!(?:by|from|with|against|than|via|after|before|while|when|because|that|which|who|whose|in|at|on|to|for|alongside|besides|including|and|or)\s)[^\s⟪⟫,;:.()\"]+|\(⟪W\d+⟫\)|\([A-Z0-9]+\)|[A-Z][a-z]+,(?=\s+[A-Z][a-z]+-based))"


def gap(n: int) -> str:
    return rf"(?:{_WORD}\s+){{0,{n}}}?"


DESC = gap(6)
# Words between a subject and its verb: adverbs, auxiliaries, time phrases.
ADV = (
    r"(?:(?:also|now|has|have|had|officially|quietly|recently|just|already|finally|today|"
    r"yesterday|formally|reportedly|previously|since|then|later|eventually|first|once|"
    r"itself|themselves|last\s+\w+|this\s+(?:week|month|year)|earlier\s+this\s+\w+|"
    r"on\s+\w+day|late\s+\w+day|in\s+\d{4}|in\s+[A-Z][a-z]+(?:\s+\d{4})?|back\s+in\s+\w+(?:\s+\d{4})?|"
    r"will|is|are|was|were|has been|had been|did|does|do|not|never|said\s+it|said\s+they|"
    r"agreed\s+to|agrees\s+to|agreeing\s+to|went\s+on\s+to|moved\s+to|decided\s+to)\s+){0,5}"
)
FRAME = (
    r"(?:(?:said|says|announced|announces|confirmed|confirms|revealed|reveals|disclosed|"
    r"stated|noted|explained|wrote)(?:\s+(?:on\s+\w+|today|yesterday|this\s+week|late\s+\w+|\w+day|"
    r"in\s+a\s+[\w\-]+(?:\s+[\w\-]+)?|in\s+[A-Z][a-z]+(?:\s+\d{4})?))*(?:\s+that)?\s+(?:it|they|the\s+company|the\s+firm)"
    r"(?:'s|'re)?\s+)?"
)
APPOS = (
    r"(?:\s*,\s+(?:a|an|the|which|who|once|now|whose|its|one|long|formerly|also|already|"
    r"recently|itself|best|based|founded|headquartered|known|previously|until)\b[^;]{0,160}?,)?"
)
ORGAPPOS = r"(?:\s*\([^()]{0,80}\))?" + APPOS


OTHERS = (
    r"(?:\s*,?\s+(?:and|along\s+with|plus)\s+(?:[\w\-]+\s+){0,3}?(?:others?|states|companies|"
    r"firms|publishers|rivals|partners|investors|countries|provinces|governments|groups))?"
)


OFFICIALS = (
    r"(?:(?:[A-Z]\w+\s+)?(?:[Gg]overnment\s+)?(?:officials|regulators|authorities|prosecutors|"
    r"attorneys\s+general)\s+(?:from|in|of)\s+)?"
)
REGION = r"(?:\s+(?:provinces?|states?|governments?|regulators?|authorities))?"


def subj(list_: str = LIST) -> str:
    return rf"{OFFICIALS}(?P<s>{list_}){REGION}{OTHERS}{ORGAPPOS}\s+{ADV}{FRAME}{ADV}"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way of stating a relation. `implicit` patterns take the nearest entity to the
    left as subject; `reverse` swaps roles (the object list is the provider, etc.);
    `pairwise` expands a single list into all pairs; `scope` is where hedges are sought:
    'prefix' (sentence start to match end) or 'match' (inside the match: relative clauses)."""

    name: str
    type: T
    regex: re.Pattern[str]
    confidence: float
    implicit: bool = False
    reverse: bool = False
    pairwise: bool = False
    scope: str = "prefix"
    subject_group: bool = False  # subject must be a consortium/alliance (membership reversed)
    object_group: bool = False  # object must be a group (membership)
    regulator_subject: bool = False
    product_object: bool = False  # object item must involve a product or a possessive noun
    dated: bool = True  # undated claims of present-tense patterns take the publication date
    check_hedges: bool = True  # False where the matched words are themselves the fact
    salient_fallback: bool = False  # implicit subject may come from the document's focus
    project_object: bool = False  # the object is "the project": the last joint effort's parties


_P: list[Pattern] = []


def _add(name: str, type_: T, regex: str, confidence: float, **kw: object) -> None:
    _P.append(Pattern(name, type_, re.compile(regex), confidence, **kw))  # type: ignore[arg-type]


# ---------------------------------------------------------------- acquisition
ACQ_VERB = (
    r"(?P<v>acquired|acquires|acquire|acquiring|bought|buys|buying|purchased|purchases|"
    r"purchasing|snapped\s+up|snaps\s+up|snatched\s+up|scooped\s+up|picked\s+up|took\s+over|"
    r"takes\s+over|(?:completed|completes|closed|closes|finalized|finalizes|finalised|"
    r"finalises|finalizing|announced|announces)\s+(?:its|the|a|an)\s+(?:[\w$.\-]+\s+){0,3}?"
    r"(?:acquisition|purchase|takeover)\s+of|agreed\s+to\s+(?:acquire|buy|purchase)|"
    r"agrees\s+to\s+(?:acquire|buy|purchase)|paid\s+[^⟪⟫;]{0,40}?\s+to\s+acquire|"
    r"is\s+paying\s+[^⟪⟫;]{0,40}?\s+to\s+acquire|merged\s+with|merges\s+with|absorbed)"
)
_add("acq_active", T.ACQUISITION, rf"{subj()}{ACQ_VERB}\s+{DESC}(?P<o>{LIST})", 0.88)
_add(
    "acq_passive",
    T.ACQUISITION,
    rf"(?P<o>{LIST})(?:\s*,)?\s+(?:(?:which|that|who)\s+)?(?:(?:was|were|has\s+been|had\s+been|"
    rf"is\s+being|is|are|will\s+be|got|being|recently|later|eventually|itself|subsequently|"
    rf"since|been|now|then|officially|formally)\s+){{0,3}}(?P<v>acquired|bought|purchased|"
    rf"snapped\s+up|taken\s+over|scooped\s+up)\s+by\s+{DESC}(?P<s>{ITEM})",
    0.9,
    scope="match",
)
_add(
    "acq_nominal",
    T.ACQUISITION,
    rf"(?P<s>{ITEM})'s?\s+(?:[\w$.\-]+\s+){{0,4}}?(?P<v>acquisition|purchase|takeover|buyout)"
    rf"\s+of\s+{DESC}(?P<o>{LIST})",
    0.85,
    dated=False,
)
_add(
    "acq_list_nominal",
    T.ACQUISITION,
    rf"\b(?:the|its|their|recent|earlier)\s+(?:[\w\-]+\s+)?(?P<o>{LIST})\s+(?P<v>acquisitions|purchases|buyouts)\b",
    0.76,
    implicit=True,
    dated=False,
)
_add(
    "acq_nominal_by",
    T.ACQUISITION,
    rf"(?P<v>acquisition|purchase|takeover|buyout)\s+of\s+{DESC}(?P<o>{ITEM})\s+by\s+{DESC}(?P<s>{ITEM})",
    0.85,
    dated=False,
)

_add(
    "acq_sold_to",
    T.ACQUISITION,
    rf"{subj()}(?P<v>sold|sells|is\s+selling|agreed\s+to\s+sell|divested)\s+(?:off\s+)?(?:its|their|the)\s+"
    rf"[^⟪⟫;]{{0,50}}?(?:division|unit|business|arm|subsidiary|operations?)\s+to\s+{DESC}(?P<o>{ITEM})",
    0.82,
    reverse=True,
)

# ---------------------------------------------------------------- investment
_add(
    "inv_active",
    T.INVESTMENT,
    rf"{subj()}(?P<v>invested|invests|invest|investing|poured|pours|put|puts|bet|bets|"
    rf"injected|injects|plowed|ploughed|sank)\s+(?:[^⟪⟫;]{{0,60}}?\s)?(?:in|into)\s+{DESC}(?P<o>{LIST})",
    0.88,
)
_add(
    "inv_which",
    T.INVESTMENT,
    rf"(?P<s>{ITEM})\s*,\s+(?:which|who)\s+(?:has\s+|had\s+|have\s+)?(?:also\s+|already\s+)?"
    rf"(?P<v>invested|poured|put|bet)\s+(?:[^⟪⟫;]{{0,60}}?\s)?(?:in|into)\s+{DESC}(?P<o>{LIST})",
    0.9,
    scope="match",
)
_add(
    "inv_led_round_in",
    T.INVESTMENT,
    rf"{subj()}(?P<v>led|co-led|leads|co-leads|headed|participated|joined)\s+(?:in\s+)?(?:a|an|the)\s+"
    rf"[^⟪⟫;]{{0,60}}?(?:round|funding|investment|financing|raise)\s+(?:in|for|into|of)\s+{DESC}(?P<o>{ITEM})",
    0.9,
)
_add(
    "inv_round_led_by",
    T.INVESTMENT,
    rf"(?:round|funding|financing|investment|raise|series\s+[A-Z]\w*)\b[^;⟪⟫]{{0,50}}?\b"
    rf"(?P<v>led|co-led)\s+(?:jointly\s+)?by\s+{DESC}(?P<s>{LIST})",
    0.86,
    implicit=True,
)
_add(
    "inv_participation",
    T.INVESTMENT,
    rf"(?P<v>participation|financial\s+backing|investments?|funding|money|capital|financing)\s+"
    rf"(?:also\s+)?(?:came\s+)?from\s+{DESC}(?P<s>{LIST})",
    0.8,
    implicit=True,
)
_add(
    "inv_raised_from",
    T.INVESTMENT,
    rf"(?P<o>{ITEM}){ORGAPPOS}\s+{ADV}{FRAME}{ADV}(?P<v>raised|raises|has\s+raised|received|receives|"
    rf"secured|secures|got|gets|took|takes|landed|lands|closed|closes|nabbed|nabs|bagged|bags|"
    rf"attracted|drew|has\s+drawn|drawn|won)\s+(?=[^⟪⟫;]{{0,80}}?(?:[$€£¥]|\b(?:funding|investment|"
    rf"capital|round|financing|millions?|billions?|dollars|backing|seed|series|money)\b))[^⟪⟫;]{{0,80}}?\bfrom\s+"
    rf"{DESC}(?P<s>{LIST})",
    0.86,
)
_add(
    "inv_drawn_from_which",
    T.INVESTMENT,
    rf"(?P<o>{ITEM})\s*,\s+(?:which|who)\s+(?:has\s+|had\s+|have\s+)?(?:also\s+)?(?P<v>drawn|"
    rf"received|got|gotten|secured|raised|attracted|won|taken|landed)\s+[^⟪⟫;]{{0,60}}?\bfrom\s+{DESC}(?P<s>{LIST})",
    0.88,
    scope="match",
    dated=False,
)
_add(
    "inv_announced_from",
    T.INVESTMENT,
    rf"(?P<o>{ITEM})\s+{ADV}(?:announced|announces|unveiled|confirmed|disclosed)\s+(?:an?|the)\s+"
    rf"(?P<v>investment|funding|backing)\s+[^⟪⟫;]{{0,50}}?\bfrom\s+{DESC}(?P<s>{LIST})",
    0.88,
)
_add(
    "inv_backed",
    T.INVESTMENT,
    rf"(?P<s>{E})-(?P<v>backed|funded|financed)\s+(?:[^\s⟪⟫,;]+\s+){{0,4}}?(?P<o>{E})",
    0.9,
    dated=False,
)
_add(
    "inv_backed_appos",
    T.INVESTMENT,
    rf"(?P<o>{ITEM})\s*,\s+(?:the|a|an)\s+(?P<s>{E})-(?P<v>backed|funded)\b",
    0.9,
    dated=False,
)
_add(
    "inv_backed_by",
    T.INVESTMENT,
    rf"(?P<o>{ITEM})(?:\s*,)?\s+(?:(?:which|that|who)\s+)?(?:(?:is|was|are|were|has\s+been|is\s+also|"
    rf"also|already|heavily|financially)\s+){{0,2}}(?P<v>backed|funded|financed|bankrolled)\s+by\s+{DESC}(?P<s>{LIST})",
    0.86,
    scope="match",
    dated=False,
)
_add(
    "inv_backer_appos",
    T.INVESTMENT,
    rf"(?P<s>{ITEM})\s*,\s+(?:a|an|the|its)\s+(?:[\w\-]+\s+){{0,2}}?(?P<v>backer|investor|"
    rf"shareholder|funder)\s+(?:of|in)\s+(?P<o>{ITEM})",
    0.88,
    scope="match",
    dated=False,
)
_add(
    "inv_investor_clause",
    T.INVESTMENT,
    rf"(?P<s>{ITEM})\s*[(,]\s*(?:which|who)\s+[^;()]{{0,80}}?\b(?:is|has\s+been|was)\s+(?:a|an|the)\s+"
    rf"(?:[\w\-]+\s+){{0,2}}?(?P<v>backer|investor|shareholder)\s+(?:of|in)\s+(?P<o>{ITEM})",
    0.88,
    scope="match",
    dated=False,
)
_add(
    "inv_investors_include",
    T.INVESTMENT,
    rf"(?P<o>{ITEM})'s?\s+(?:[\w\-]+\s+){{0,2}}?(?P<v>investors|backers|shareholders)\s+"
    rf"(?:include|includes|including|are|such\s+as)\s+{DESC}(?P<s>{LIST})",
    0.86,
    dated=False,
)
_add(
    "inv_nominal",
    T.INVESTMENT,
    rf"(?P<s>{ITEM})'s?\s+(?:[\w$.,\-]+\s+){{0,4}}?(?P<v>investment|stake)\s+in\s+{DESC}(?P<o>{LIST})",
    0.84,
    dated=False,
)

# ---------------------------------------------------------------- partnership
PART_VERB = (
    r"(?P<v>partnered|partners|partner|partnering|teamed\s+up|teams\s+up|team\s+up|teaming\s+up|"
    r"joined\s+forces|joins\s+forces|join\s+forces|joining\s+forces|collaborated|collaborates|"
    r"collaborate|collaborating|worked|works|work|working|allied|"
    r"(?:signed|signs|inked|inks|struck|strikes|formed|forms|announced|announces|unveiled|"
    r"entered|enters|expanded|expands|deepened|deepens|extended|extends|launched|launches)\s+"
    r"(?:into\s+)?(?:a|an|its|their)\s+[^⟪⟫;]{0,50}?(?:partnership|agreement|deal|pact|alliance|"
    r"collaboration|joint\s+venture|relationship|memorandum|tie-up))"
)
_add(
    "part_active",
    T.PARTNERSHIP,
    rf"{subj()}{PART_VERB}\s+with\s+(?![^⟪⟫]{{0,40}}\b(?:customers|clients|users|brands|retailers)\b)"
    rf"{DESC}(?P<o>{LIST})",
    0.84,
)
_add(
    "sup_works_with_customers",
    T.SUPPLY,
    rf"{subj()}(?P<v>worked|works|work|working|partnered|partners)\s+with\s+(?:[\w\-]+\s+){{0,2}}?"
    rf"(?:customers|clients|brands|retailers)\s+(?:such\s+as|like|including)\s+(?P<o>{LIST})",
    0.76,
    dated=False,
)
_add(
    "part_joint",
    T.PARTNERSHIP,
    rf"(?P<s>{LIST}){ORGAPPOS}\s+{ADV}{FRAME}{ADV}(?:(?:they're|they\s+are|are|have|has)\s+)?"
    rf"(?P<v>partnered|partnering|teamed\s+up|teaming\s+up|joined\s+forces|joining\s+forces|"
    rf"working\s+together|collaborating|co-developed|co-develop|jointly\s+developed|co-created|"
    rf"co-founded\s+(?:a|an)\s+(?:[\w\-]+\s+){{0,3}}?(?:venture|company|project)|"
    rf"(?:formed|form|forming|created|launched|launch|launching|announced|unveiled|signed|struck|"
    rf"inked|established|set\s+up|started|began|committed\s+to|agreed\s+on)\s+(?:a|an|the|their)?\s*"
    rf"(?:[\w\-]+\s+){{0,4}}?(?:partnership|alliance|joint\s+venture|consortium|consortia|"
    rf"collaboration|project|partnerships|agreement|deal|program|programme|initiative|venture))",
    0.84,
    pairwise=True,
)
_add(
    "part_nominal",
    T.PARTNERSHIP,
    rf"(?P<s>{ITEM})'s?\s+(?:[\w$.\-]+\s+){{0,4}}?(?P<v>partnership|collaboration|alliance|"
    rf"joint\s+venture|tie-up|relationship)\s+with\s+{DESC}(?P<o>{LIST})",
    0.84,
    dated=False,
)
_add(
    "part_between",
    T.PARTNERSHIP,
    rf"(?P<v>partnership|collaboration|alliance|joint\s+venture|tie-up|agreement|deal)\s+"
    rf"between\s+(?P<s>{LIST})",
    0.8,
    pairwise=True,
)
_add(
    "part_announced_by",
    T.PARTNERSHIP,
    rf"(?P<v>partnership|collaboration|alliance|joint\s+venture|agreement|deal)\s+(?:was\s+)?"
    rf"(?:announced|signed|struck|unveiled|formed)\s+by\s+(?P<s>{LIST})",
    0.8,
    pairwise=True,
)
_add(
    "part_hyphen",
    T.PARTNERSHIP,
    rf"(?P<s>{E})-(?P<o>{E})\s+(?:[\w\-]+\s+)?(?P<v>partnership|alliance|collaboration|"
    rf"joint\s+venture|tie-up)",
    0.84,
    dated=False,
)
_add(
    "part_implicit",
    T.PARTNERSHIP,
    rf"(?:\bin\s+|(?:\ba|\ban|\bits|\btheir|\bthe)\s+(?:[\w$.\-]+\s+){{0,4}}?)(?P<v>partnership|"
    rf"collaboration|alliance|joint\s+venture|tie-up)\s+with\s+{DESC}(?P<o>{LIST})",
    0.74,
    implicit=True,
)
_add(
    "part_built_with",
    T.PARTNERSHIP,
    rf"(?:built|developed|created|designed|launched)\s+(?P<v>in\s+(?:collaboration|partnership|"
    rf"conjunction|cooperation))\s+with\s+{DESC}(?P<o>{LIST})",
    0.78,
    implicit=True,
)
_add(
    "part_signed_with",
    T.PARTNERSHIP,
    rf"(?P<v>signed|signs|inked|struck|forged)\s+(?:[\w\-]+\s+){{0,3}}?(?:partnerships|"
    rf"deals|agreements)\s+with\s+(?:[^⟪⟫;]{{0,40}}?(?:like|including|such\s+as)\s+)?(?P<o>{LIST})",
    0.8,
    implicit=True,
)

# ---------------------------------------------------------------- supply
_NOUN_SUPPLY = (
    r"(?:cloud|chips?|GPUs?|processors?|models?|platform|technology|technologies|software|APIs?|"
    r"services?|infrastructure|systems?|servers?|data\s+centers?|index|search|hardware|"
    r"supercomputers?|computing|compute|tools?|engine|assistant|chatbot|data)"
)
OBJ_PRODUCT = rf"(?:{E}'s?\s+(?:[\w\-]+\s+){{0,2}}?{_NOUN_SUPPLY}\b|{E}(?:\s+{E}){{1,2}}|{ITEM})"
_add(
    "sup_powered",
    T.SUPPLY,
    rf"(?P<o>{ITEM})(?:\s*,[^;]{{0,80}}?,)?\s+(?:is|are|was|will\s+be|now|also|\s)*"
    rf"(?P<v>powered|driven|run|running|built)\s+(?:by|on|with|atop)\s+{DESC}(?P<s>{LIST})",
    0.8,
    product_object=True,
)
_add(
    "sup_integrated_into",
    T.SUPPLY,
    rf"(?P<s>{ITEM})(?:\s*,[^;]{{0,60}}?,)?\s+(?:is|are|has\s+been|have\s+been|was|were|will\s+be|"
    rf"now|also|being|\s)*(?P<v>integrated|embedded|built|included)\s+(?:into|in|inside|"
    rf"within|on)\s+{DESC}(?P<o>{ITEM})",
    0.82,
    dated=False,
)
_add(
    "sup_customer_uses",
    T.SUPPLY,
    rf"{subj()}(?P<v>integrates|integrated|integrate|integrating|adopts|adopted|adopting|adopt|"
    rf"uses|used|using|use|licenses|licensed|licensing|deploys|deployed|deploying|taps|tapped|"
    rf"tapping|selected|selects|chose|chooses|picked|relies\s+on|relied\s+on|rely\s+on|runs\s+on|"
    rf"switched\s+to|moved\s+to|migrated\s+to|standardized\s+on|prioritize|prioritizes|"
    rf"is\s+building\s+[^;]{{0,60}}?\s+with|built\s+[^;]{{0,60}}?\s+(?:with|on))\s+"
    rf"(?:the\s+)?(?P<o>{OBJ_PRODUCT})",
    0.8,
    reverse=True,
    product_object=True,
)
_add(
    "sup_licenses_from",
    T.SUPPLY,
    rf"{subj()}(?P<v>licenses|licensed|licensing|buys|bought|sources|sourced|gets|got|obtains|"
    rf"obtained|rents|rented|purchases|purchased)\s+[^⟪⟫;]{{0,50}}?\bfrom\s+{DESC}(?P<o>{ITEM})",
    0.82,
    reverse=True,
)
_add(
    "sup_provides",
    T.SUPPLY,
    rf"{subj()}(?P<v>provides|provided|provide|providing|supplies|supplied|supply|supplying|"
    rf"sells|sold|delivers|delivered|ships|shipped|offers|offered|licenses|licensed)\s+"
    rf"(?:(?![^⟪⟫;]{{0,50}}?\b(?:division|unit|business|stake|subsidiary|shares|company|companies|itself|"
    rf"alternatives?|rivals?|competitors?|competition)\b)"
    rf"[^⟪⟫;]{{0,50}}?\s)?(?:to|for)\s+{DESC}(?P<o>{LIST})",
    0.8,
)
_add(
    "sup_granted_license",
    T.SUPPLY,
    rf"{subj()}(?:[^⟪⟫;]{{0,60}}?\band\s+)?(?P<v>granted|grants|gave|gives)\s+(?P<o>{ITEM})"
    rf"(?:\s*,[^;]{{0,80}}?,)?\s+(?:an?\s+)?(?:[\w\-]+\s+){{0,2}}?licen[cs]e",
    0.84,
    dated=False,
)
_add(
    "sup_used_by",
    T.SUPPLY,
    rf"(?P<s>{ITEM})(?:'s?)?\s+(?:[\w\-]+\s+){{0,2}}?{_NOUN_SUPPLY}\s+(?:is|are|has\s+been|have\s+been)"
    rf"\s+(?:already\s+|now\s+|also\s+|widely\s+)?(?P<v>used|deployed|adopted|licensed)\s+by\s+"
    rf"(?:[^⟪⟫;]{{0,50}}?(?:including|such\s+as|like)\s+)?(?P<o>{LIST})",
    0.84,
    dated=False,
)
_add(
    "sup_preferred",
    T.SUPPLY,
    rf"{subj()}(?P<v>making|made|makes|named|names|chose|chosen|selected|picked|choosing)\s+"
    rf"(?P<o>{ITEM})\s+(?:as\s+)?its\s+(?:[\w\-]+\s+){{0,2}}?(?:preferred|primary|exclusive|main|"
    rf"official|chosen)\s+(?:[\w\-]+\s+){{0,2}}?(?:provider|partner|supplier|platform|vendor)",
    0.86,
    reverse=True,
)
_add(
    "sup_as_preferred",
    T.SUPPLY,
    rf"{subj()}(?P<v>chose|chosen|selected|picked|named)\s+(?P<o>{ITEM})\s+as\s+its\s+"
    rf"(?:[\w\-]+\s+){{0,2}}?(?:cloud|provider|platform|partner|supplier|vendor)",
    0.86,
    reverse=True,
)
_add(
    "sup_integrating_into",
    T.SUPPLY,
    rf"{subj()}(?P<v>integrating|integrates|integrated|will\s+integrate|bringing|brings|brought)"
    rf"\s+(?:its|their)\s+[^;]{{0,60}}?\s+(?:into|to)\s+(?P<o>{ITEM})",
    0.8,
)
_add(
    "sup_customers",
    T.SUPPLY,
    rf"{subj()}(?P<v>counts|lists|names|has|signed)\s+[^⟪⟫;]{{0,60}}?\bamong\s+its\s+"
    rf"(?:customers|clients|users)\b[^⟪⟫;]{{0,20}}?(?:including|such\s+as|like)\s+(?P<o>{LIST})",
    0.82,
    dated=False,
)
_add(
    "sup_customers_include",
    T.SUPPLY,
    rf"(?P<s>{ITEM})'s?\s+(?:[\w\-]+\s+)?(?P<v>customers|clients)\s+(?:include|includes|including|"
    rf"such\s+as|like|are)\s+{DESC}(?P<o>{LIST})",
    0.84,
    dated=False,
)
_add(
    "sup_customers_like",
    T.SUPPLY,
    rf"\b(?P<v>[Cc]ustomers|[Cc]lients)\s+(?:like|such\s+as|including|include)\s+{DESC}(?P<o>{LIST})",
    0.72,
    implicit=True,
    salient_fallback=True,
    dated=False,
)
_add(
    "sup_project_drew_on",
    T.SUPPLY,
    rf"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir)\s+(?:[\w\-]+\s+)?(?:project|effort|initiative|system|"
    rf"model|study|work|collaboration|partnership|research)\s+(?P<v>drew|draws|relied|relies|built|"
    rf"builds|used|uses|tapped|taps)\s+(?:on\s+|upon\s+)?[^⟪⟫;]{{0,80}}?\b(?:from|provided\s+by|"
    rf"supplied\s+by)\s+[^⟪⟫;]{{0,40}}?(?:including|such\s+as|like)?\s*(?P<s>{LIST})",
    0.7,
    project_object=True,
)
_add(
    "sup_access",
    T.SUPPLY,
    rf"(?P<o>{ITEM})\s+(?:will\s+)?(?P<v>gain|gains|gained|get|gets|got)\s+access\s+to\s+"
    rf"(?P<s>{OBJ_PRODUCT})",
    0.78,
)

# ---------------------------------------------------------------- membership
_add(
    "mem_founded_by",
    T.MEMBERSHIP,
    rf"(?P<o>{ITEM})(?:\s*,)?\s+(?:(?:which|that)\s+)?(?:(?:was|were|is|has\s+been|originally|"
    rf"initially|jointly)\s+)*(?P<v>co-?founded|founded|formed|created|launched|established|"
    rf"started|set\s+up)\s+(?:in\s+\d{{4}}\s+)?by\s+{DESC}(?P<s>{LIST})",
    0.88,
    object_group=True,
    scope="match",
    dated=False,
)
_add(
    "mem_members_include",
    T.MEMBERSHIP,
    rf"(?:founding|original|initial|charter|new|other|its|current)?\s*(?P<v>members|member\s+"
    rf"companies|members\s+of\s+the\s+group)\s*(?:include|includes|including|are|such\s+as|like|:|"
    rf"of\s+the\s+group\s+include)\s+{DESC}(?P<s>{LIST})",
    0.84,
    implicit=True,
    object_group=True,
    dated=False,
)
_add(
    "mem_alongside",
    T.MEMBERSHIP,
    rf"(?:alongside|with|joining|joins|joined)\s+(?:the\s+)?(?:original\s+|existing\s+|other\s+|"
    rf"fellow\s+)?(?:founding\s+)?(?P<v>members)\s+{DESC}(?P<s>{LIST})",
    0.82,
    implicit=True,
    object_group=True,
    dated=False,
)
_add(
    "mem_join",
    T.MEMBERSHIP,
    rf"{subj()}(?P<v>joined|joins|join|joining|became\s+(?:a\s+)?(?:founding\s+|new\s+)?members?\s+of|"
    rf"become\s+(?:a\s+)?(?:founding\s+|new\s+)?members?\s+of|is\s+(?:a|an)\s+(?:founding\s+|"
    rf"charter\s+|new\s+)?member\s+of|are\s+(?:founding\s+|new\s+)?members\s+of|signed\s+(?:up|on)\s+"
    rf"(?:to|for|with)|(?:have\s+)?joined\s+together\s+to\s+(?:create|form|launch|found)|"
    rf"banded\s+together\s+to\s+(?:create|form|launch)|(?:co-?founded|founded|formed|"
    rf"established))\s+(?:the\s+)?(?P<o>{ITEM})",
    0.86,
    object_group=True,
)
_add(
    "mem_joined_others",
    T.MEMBERSHIP,
    rf"{subj()}(?P<v>joined)\s+[^⟪⟫;]{{0,40}}?[-,]\s*including\s+(?P<s2>{LIST})\s*[-,]\s*[^⟪⟫;]{{0,60}}?"
    rf"(?:create|form|launch|found)\s+(?:the\s+)?(?P<o>{ITEM})",
    0.84,
    object_group=True,
)
_add(
    "mem_group_includes",
    T.MEMBERSHIP,
    rf"(?P<o>{ITEM})\s*,\s+(?:which|that)\s+(?P<v>includes|comprises|counts|brings\s+together|"
    rf"unites|groups)\s+[^⟪⟫;]{{0,40}}?(?P<s>{LIST})",
    0.84,
    object_group=True,
    scope="match",
    dated=False,
)

# ---------------------------------------------------------------- competition
_add(
    "comp_verb",
    T.COMPETITION,
    rf"{subj()}(?P<v>competes|compete|competing|competed|vies|vying|vie|rivals|rivaling|rivalling|"
    rf"battles|battling|battle|takes\s+on|took\s+on|taking\s+on|take\s+on|challenges|challenging|"
    rf"challenge|goes\s+up\s+against|going\s+up\s+against|squares\s+off\s+(?:against|with)|"
    rf"faces\s+off\s+(?:against|with)|is\s+up\s+against|fights|fighting)\s+(?:head-to-head\s+|"
    rf"directly\s+|heavily\s+)?(?:with\s+|against\s+)?{DESC}(?P<o>{LIST})",
    0.8,
    dated=False,
)
_add(
    "comp_joint",
    T.COMPETITION,
    rf"(?P<s>{LIST})\s+(?:(?:are|were|have\s+been|remain|now|still|also|increasingly|fiercely)\s+)*"
    rf"(?P<v>in\s+a\s+(?:[\w\-]+\s+){{0,2}}?(?:race|battle|war|fight|rivalry|competition|arms\s+race)|"
    rf"compete|competing|rivals|competitors|arch-?rivals|locked\s+in\s+(?:a\s+)?(?:[\w\-]+\s+){{0,2}}?"
    rf"(?:battle|race|rivalry|war|fight)|battling|racing)",
    0.8,
    pairwise=True,
    dated=False,
)
_add(
    "comp_rival_of",
    T.COMPETITION,
    rf"(?P<s>{ITEM})(?:'s?)?\s+(?:(?:main|chief|biggest|closest|key|major|top|fierce|longtime|"
    rf"long-time|direct|primary|nearest|arch|cloud|search|chip|AI|big)\s+){{0,2}}(?P<v>rivals?|"
    rf"competitors?|challengers?|arch-?rivals?)\s+(?:such\s+as\s+|like\s+|including\s+|in\s+)?"
    rf"(?P<o>{LIST})",
    0.8,
    dated=False,
)
_add(
    "comp_rival_to",
    T.COMPETITION,
    rf"(?P<s>{ITEM})(?:\s*,\s+(?:a|an|the|which\s+is\s+(?:a|an))\s+[^⟪⟫;]{{0,80}}?|\s+(?:(?:is|was|"
    rf"has|had|have|now|also|become|became|emerged|remains|as|seen|viewed)\s+){{1,4}}(?:one\s+of\s+)?"
    rf"(?:a|an|the)?\s*[^⟪⟫;]{{0,40}}?)\b(?P<v>rivals?|competitors?|challengers?|alternatives?)\s+(?:to|of|for|against)"
    rf"\s+{DESC}(?P<o>{LIST})",
    0.82,
    dated=False,
)
_add(
    "comp_x_rival_y",
    T.COMPETITION,
    rf"(?P<o>{E})\s+(?P<v>rival|competitor|challenger)\s+(?P<s>{E})",
    0.82,
    dated=False,
)
_add(
    "comp_vying_with",
    T.COMPETITION,
    rf"(?P<v>Vying|Competing|Battling)\s+with\s+(?P<s>{ITEM})\s+[^⟪⟫;]{{0,40}}?(?:including|such\s+as|"
    rf"like)\s+(?P<o>{LIST})",
    0.8,
    dated=False,
)
_add(
    "comp_implicit",
    T.COMPETITION,
    rf"(?:\b(?:fierce|stiff|tough|intense|growing|increasing|direct|heavy|strong)\s+)?(?P<v>competition)"
    rf"\s+(?:from|with|against)\s+{DESC}(?P<o>{LIST})",
    0.74,
    implicit=True,
    dated=False,
)
_add(
    "comp_rivals_list",
    T.COMPETITION,
    rf"\b(?:[\w\-]+\s+)?(?P<v>competitors|rivals|challengers)\s+(?:such\s+as\s+|like\s+|including\s+)?"
    rf"(?P<o>{LIST})",
    0.7,
    implicit=True,
    salient_fallback=True,
    dated=False,
)
_add(
    "comp_rival_single",
    T.COMPETITION,
    rf"\b(?:of|from|with|against|to)\s+(?:its\s+|their\s+)?(?:[\w\-]+\s+)?(?P<v>rival|competitor)\s+(?P<o>{ITEM})",
    0.72,
    implicit=True,
    dated=False,
)
_add(
    "comp_competitors_are",
    T.COMPETITION,
    rf"\b(?:[\w\-]+\s+){{0,2}}(?P<v>competitors|rivals|challengers)\s+(?:are|include|includes|"
    rf"including)\s+{DESC}(?P<o>{LIST})",
    0.72,
    implicit=True,
    salient_fallback=True,
    dated=False,
)
_add(
    "comp_challenge",
    T.COMPETITION,
    rf"(?:aiming|aims|seeking|seeks|looking|hoping|hopes|trying|set|positioned|poised|designed|built|"
    rf"wants|out)\s+to\s+(?P<v>challenge|take\s+on|compete\s+with|compete\s+against|rival|unseat|"
    rf"dethrone|topple|displace|beat)\s+(?P<o>{LIST})",
    0.74,
    implicit=True,
    dated=False,
)
_add(
    "comp_between",
    T.COMPETITION,
    rf"(?P<v>battle|race|rivalry|competition|war|fight|showdown|duel)\s+between\s+(?P<s>{ITEM})"
    rf"(?:\s*\([^()]{{0,120}}\))?\s+and\s+(?P<o>{ITEM})",
    0.82,
    dated=False,
)

# ---------------------------------------------------------------- litigation
_add(
    "lit_active",
    T.LITIGATION,
    rf"{subj()}(?P<v>sued|sues|sue|suing|(?:filed|files|file|filing|brought|brings|bring|"
    rf"launched|lodged|lodges)\s+(?:a\s+|an\s+)?(?:[\w\-]+\s+){{0,3}}?(?:lawsuits?|suits?|"
    rf"complaints?|cases?|claims?|petitions?|actions?)\s+against|filed\s+suit\s+against|"
    rf"(?:took|takes|taking|launched)\s+legal\s+action\s+against|commenced\s+legal\s+proceedings\s+"
    rf"against|is\s+taking\s+(?:[\w\-]+\s+){{0,2}}action\s+against)\s+{DESC}(?P<o>{LIST})",
    0.88,
)
_add(
    "lit_passive",
    T.LITIGATION,
    rf"(?P<o>{LIST})\s+(?:(?:was|were|is|are|has\s+been|have\s+been|is\s+being|being|"
    rf"also|now|recently)\s+)+(?P<v>sued)\s+by\s+{DESC}(?P<s>{LIST})",
    0.88,
)
_add(
    "lit_nominal",
    T.LITIGATION,
    rf"(?P<s>{ITEM})'s?\s+(?:[\w$.\-]+\s+){{0,3}}?(?P<v>lawsuit|suit|complaint|case|legal\s+action)"
    rf"\s+against\s+{DESC}(?P<o>{LIST})",
    0.84,
    dated=False,
)
_add(
    "lit_filed_by",
    T.LITIGATION,
    rf"(?P<v>lawsuit|suit|complaint|case|legal\s+action)\s+(?:filed\s+|brought\s+)?by\s+{DESC}"
    rf"(?P<s>{LIST})\s+against\s+{DESC}(?P<o>{LIST})",
    0.86,
)
_add(
    "lit_faces",
    T.LITIGATION,
    rf"(?P<o>{ITEM})\s+(?:faces|is\s+facing|faced|was\s+hit\s+with|is\s+hit\s+with)\s+(?:a|an)\s+"
    rf"[^⟪⟫;]{{0,40}}?(?P<v>lawsuit|suit|complaint)\s+(?:from|by|filed\s+by|brought\s+by)\s+"
    rf"{DESC}(?P<s>{LIST})",
    0.86,
)
_add(
    "lit_complaint_from",
    T.LITIGATION,
    rf"(?P<v>complaint)\s+from\s+{DESC}(?P<s>{ITEM})(?:\s*\([^()]{{0,40}}\))?\s*,\s+which\s+"
    rf"[^;]{{0,120}}?\b(?:against|about|over|into|on|of)\s+(?P<o>{ITEM})",
    0.8,
    check_hedges=False,
)

# ---------------------------------------------------------------- investigation
_add(
    "invg_opened",
    T.INVESTIGATION,
    rf"{subj()}(?P<v>(?:opened|opens|open|opening|launched|launches|launch|launching|started|starts|"
    rf"began|begins|initiated|initiates|announced|is\s+conducting|conducted|conducting|widened|"
    rf"expanded)\s+(?:a|an|its|the)\s+(?:[\w\-]+\s+){{0,4}}?(?:investigation|probe|inquiry|"
    rf"enquiry|review|examination|antitrust\s+review))\s+(?:into|of|on|targeting)\s+{gap(10)}(?P<o>{LIST})",
    0.88,
    regulator_subject=True,
)
_add(
    "invg_verb",
    T.INVESTIGATION,
    rf"{subj()}(?:(?:started|began|continue|continues|continued|are|is)\s+(?:to\s+)?)?"
    rf"(?P<v>investigating|investigate|investigates|investigated|probing|probes|probed|probe|"
    rf"scrutinizing|scrutinising)\s+{DESC}(?P<o>{LIST})",
    0.86,
    regulator_subject=True,
)
_add(
    "invg_nominal",
    T.INVESTIGATION,
    rf"(?P<s>{ITEM})'s?\s+(?:[\w\-]+\s+){{0,3}}?(?P<v>investigation|probe|inquiry|enquiry)\s+"
    rf"(?:into|of)\s+{DESC}(?P<o>{LIST})",
    0.84,
    regulator_subject=True,
    dated=False,
)
_add(
    "invg_under",
    T.INVESTIGATION,
    rf"(?P<o>{ITEM})\s+(?:is|was|are|were|has\s+been|remains|came)\s+(?:under|facing|the\s+subject\s+of)"
    rf"\s+(?:an?\s+)?(?:[\w\-]+\s+){{0,3}}?(?P<v>investigation|probe|scrutiny|inquiry)\s+(?:by|from)"
    rf"\s+{DESC}(?P<s>{LIST})",
    0.84,
    regulator_subject=True,
)
_add(
    "invg_by_into",
    T.INVESTIGATION,
    rf"(?P<v>investigation|probe|inquiry|enquiry)\s+(?:launched\s+|opened\s+)?by\s+{DESC}(?P<s>{LIST})"
    rf"\s+(?:into|of)\s+{DESC}(?P<o>{LIST})",
    0.86,
    regulator_subject=True,
)

PATTERNS: tuple[Pattern, ...] = tuple(_P)

# Cheap per-type triggers over the lower-cased template: a pattern runs only when its type's
# trigger occurs in the sentence, which keeps the extractor fast on the many sentences that
# state nothing.
TYPE_TRIGGERS: dict[T, re.Pattern[str]] = {
    T.ACQUISITION: re.compile(
        r"acqui|bought|\bbuy|purchas|snap|snatch|scoop|picked up|took over|takes over|merge|"
        r"absorb|takeover|buyout"
    ),
    T.INVESTMENT: re.compile(
        r"invest|pour|backed|funded|financ|backer|stake|round|rais|particip|\bbets?\b|inject|"
        r"plow|plough|sank|backing|money|capital|funding|shareholder|contribution|support"
    ),
    T.PARTNERSHIP: re.compile(
        r"partner|team|forces|collaborat|work|allian|allied|joint|deal|agreement|pact|tie-up|"
        r"co-develop|co-creat|co-found|consorti|project|program|initiative|venture|relationship|"
        r"memorandum|signed|inked|struck|forged|conjunction|cooperation"
    ),
    T.SUPPLY: re.compile(
        r"power|driven|\brun|built|integrat|embed|adopt|\bus(?:e|es|ed|ing)\b|licen|deploy|\btap|"
        r"select|chose|choos|picked|reli|rely|provid|suppl|sell|sold|deliver|ship|offer|grant|"
        r"gave|give|customer|client|access|switch|migrat|standardiz|prioritiz|available|"
        r"included|\bbuy|bought|sourc|obtain|rent|making|made|makes|named|names|bring|brought|"
        r"counts|lists|drew|draws|relied|relies"
    ),
    T.MEMBERSHIP: re.compile(
        r"member|found|join|formed|created|launched|established|started|set up|includes|"
        r"comprises|counts|brings together|unites|groups|banded"
    ),
    T.COMPETITION: re.compile(
        r"compet|\bvie|vying|rival|battl|take on|taking on|took on|takes on|challeng|race|racing|"
        r"\bwar\b|fight|squares off|faces off|up against|showdown|duel|dethrone|unseat|topple|"
        r"displace|\bbeat"
    ),
    T.LITIGATION: re.compile(
        r"\bsue|suing|lawsuit|\bsuit|complaint|legal|\bcase|claim|petition|action"
    ),
    T.INVESTIGATION: re.compile(
        r"investigat|probe|probing|inquir|enquir|scrutin|review|examination"
    ),
}
