"""Entity mentions inside one sentence, and the templated form the relation patterns read.

Each mention becomes a token `⟪K3⟫` in the template, where the letter says how sure we
are that it is an organization: K known organization, P product (stands for its owner),
U unknown but organization-shaped, R a resolved anaphor ("the company"), W a weak
capitalised phrase that patterns accept only in slots that expect an organization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliancemap.extract.gazetteer import GazetteerHit
from alliancemap.extract.lexicon import (
    ANAPHOR_NOUNS,
    CALENDAR,
    FIRST_NAMES,
    GROUP_HEADS,
    ORG_HEADS,
    ORG_HEADS_AI,
    PLACES,
    REGULATOR_HEADS,
    STOP_CAPS,
)
from alliancemap.model import EntityType
from alliancemap.resolve import clean_name

# Same-length replacements so offsets in the normalised text equal offsets in the original.
_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": ",",  # an em dash sets off a parenthetical, like a comma
        "\u00a0": " ",
    }
)

TOKEN_RE = re.compile(r"⟪([KPURW])(\d+)⟫")


@dataclass(slots=True)
class SentenceEntity:
    """One mention in a sentence; `org` is the organization it stands for."""

    index: int
    start: int  # sentence-relative offsets
    end: int
    surface: str
    name: str
    org: str | None  # organization name it stands for (owner for products); None if unknown owner
    etype: EntityType
    kind: str | None
    strength: str  # K P U R W

    @property
    def is_group(self) -> bool:
        from alliancemap.extract.lexicon import GROUP_HEADS

        if self.kind == "consortium":
            return True
        words = self.name.split()
        return self.strength in "UW" and len(words) >= 2 and words[-1] in GROUP_HEADS

    @property
    def is_regulator(self) -> bool:
        if self.kind in ("regulator", "government"):
            return True
        words = set(self.name.replace("'", " ").split())
        return self.strength in "UWR" and bool(words & REGULATOR_HEADS)


def fold(text: str) -> str:
    """Typographic quotes and dashes to ASCII, preserving length."""
    return text.translate(_FOLD)


# A capitalised phrase: words starting upper-case (or digits inside), joined by spaces, '&',
# 'of', 'for', 'de'; internal '.', '-', ':' and '&' allowed ("Plat.One", "Run:ai", "AT&T").
_CAP_WORD = r"(?:[A-Z][\w]*(?:(?:[.&:\-/]|'(?!s\b))[\w]+)*\.?(?:ai|AI|io|com)?|\d+[A-Za-z][\w]*)"
CAP_PHRASE_RE = re.compile(
    rf"(?<![\w⟪⟫.\-]){_CAP_WORD}(?:(?:\s+(?:&\s+|of\s+(?:the\s+)?|for\s+|de\s+|and\s+(?=[A-Z]\w*\s+(?:Partners|Company|Co\b)))?){_CAP_WORD})*"
    r"(?:,?\s+(?:Inc|Corp|Ltd|LLC|Co|PLC|GmbH|AG)\.?(?![\w]))?"
)
_DESCRIPTOR_AFTER_RE = re.compile(
    r"\s+(?:firm|company|startup|start-up|maker|developer|provider|platform|software|chip|"
    r"chips|technology|unit|division|arm|model|models|tool|tools|app|apps|service|services|"
    r"system|systems|device|devices|products?|giants?|team|researchers?|engineers?|executives?|"
    r"firms|companies|players|startups|makers|brands|founders?|"
    r"users?|customers?|market|space|industry|sector|business|data|cloud|project|program|"
    r"lab|labs|research|group|rival|competitor|partner|investor|backer|funding|round|"
    r"deal|agreement|stake|shares|-based|based)\b"
)
_ORGLIKE_CONTEXT_BEFORE_RE = re.compile(
    r"(?:startup|start-up|company|firm|maker|developer|provider|rival|competitor|investors?|"
    r"backers?|lab|chipmaker|carmaker|automaker|vendor|publisher|publishers|partner|"
    r"partners|customers?|subsidiary|unit|outfit|platform|brands?|companies|firms|"
    r"including|such as|like)\s+$"
)
_ORGLIKE_CONTEXT_AFTER_RE = re.compile(
    r"^(?:,\s+(?:a|an|the)\s+(?:[\w\-]+\s+){0,5}?(?:startup|start-up|company|firm|maker|"
    r"developer|provider|platform|lab|vendor|specialist|unicorn|subsidiary|unit|publisher)\b"
    r"|'s\s+(?:ceo|cto|founder|cofounder|co-founder|chief|president|board|investors?|"
    r"shares|stock|valuation|platform|technology|software|products?|customers?|funding)\b"
    r"|\s+(?:Inc|Corp|Ltd|LLC)\b)",
    re.IGNORECASE,
)
_ANAPHOR_RE = re.compile(
    r"\b[Tt]he\s+(?:(?:[A-Z][a-z]+-based|[a-z][\w\-]*|U\.S\.|U\.K\.|[A-Z]{2,3})\s+){0,3}?(?:"
    + "|".join(re.escape(n) for n in ANAPHOR_NOUNS)
    + r")\b(?!['-]|\s+(?:of|that|which|who|in|to|for|behind|with)\b|\s+[A-Z])"
)
_OWNER_OF_RE = re.compile(
    r"\b[Tt]he\s+(?:company|startup|start-up|firm|lab|maker|makers|creator|creators|developer|"
    r"developers|team|outfit|owner)\s+(?:behind|of)\s+(?:the\s+)?$"
)
_PAIR_RE = re.compile(
    r"\b(?:[Tt]he\s+two\s+(?:companies|firms|giants|rivals|partners|startups|tech\s+giants)|"
    r"[Bb]oth\s+companies|[Bb]oth\s+firms)\b"
)
_ITS_RE = re.compile(
    r"\b[Ii]ts(?=\s+(?:[\w\-$.]+\s+){0,3}?(?:acquisition|purchase|takeover|investment|stake|"
    r"partnership|collaboration|alliance|rivals?|competitors?|technology|chips?|software|platform|"
    r"products?|models?|systems?|cloud|backers?|investors?|customers?|clients?|lawsuit|suit|deal|"
    r"tools?|services?|API)\b)"
)
_CITATION_RE = re.compile(r"\(\s*⟪[KUW](\d+)⟫\s*\)")
_MEDIA_CONTEXT_RE = re.compile(
    r"(?:\b(?:told|according to|reported by|per|via|wrote in|writes in|said in|published by|"
    r"in an interview with|speaking to|spoke to|first reported by)\s+(?:the\s+)?⟪[KUW](\d+)⟫)"
    r"|(?:⟪[KUW](\d+)⟫(?:'s)?\s+(?:reported|reports|first reported|said in a report|"
    r"report|reporter|reporters|journalist|editor|writer|interview|analysis|podcast|"
    r"newsletter|article|story|staff|columnist))"
)


_NOT_A_NAME_RE = re.compile(
    r"^(?:[A-Z][a-z]+ly|[A-Z][a-z]+ing|[A-Z]{2,}s|[A-Z]+-\d+|[A-Z]\d+|\d+|\w+'(?:re|ve|ll|s|d|t|m))$"
)
_DESCRIPTOR_WORD_RE = re.compile(r"-(?:based|headquartered|born|owned|backed|made|led|funded)$")


_SPEECH_AFTER_RE = re.compile(
    r"\s+(?:said|says|told|added|adds|noted|notes|explained|wrote|writes|argued|argues|believes|"
    r"thinks|recalled|recalls|joined|joins|founded|co-founded|left|became|who)\b"
)
_AFTER_BREAK_RE = re.compile(r"[\"(:\-]\s*$")


def _is_person_like(words: list[str]) -> bool:
    """'Sam Altman', 'Comedian Sarah Silverman', 'Judge Lucy Koh' (not 'Bill Gates Foundation')."""
    if words and (words[-1] in ORG_HEADS or words[-1] in ORG_HEADS_AI):
        return False
    return any(
        w in FIRST_NAMES and i + 1 < len(words) and words[i + 1][:1].isupper()
        for i, w in enumerate(words)
    )


# Capitalised words that begin many organization names ("General Catalyst", "Global
# Illumination", "First Round Capital"): kept when the phrase is not at a sentence start.
_NAME_STARTERS = frozenset(
    "Global General First New National International United American Digital Open Deep Big "
    "Data Cloud Applied Advanced Smart Social Mobile Quantum Machine Intelligent Federal State "
    "Second Third Next Future Modern Royal Standard Universal Western Eastern Northern Southern "
    "European Chinese American British French German Japanese Korean Indian Israeli Canadian "
    "Italian Spanish Dutch Swiss Swedish Australian Irish".split()
)


def _strip_leading_stop(words: list[str], at_start: bool = True) -> list[str]:
    headed = len(words) >= 2 and (words[-1] in ORG_HEADS or words[-1] in GROUP_HEADS)
    while words and (words[0] in STOP_CAPS or words[0] in CALENDAR):
        if not at_start and len(words) >= 2 and words[0] in _NAME_STARTERS:
            break
        if headed and len(words) >= 2 and words[0] not in _FUNCTION_CAPS:
            break
        words = words[1:]
    return words


def _strip_trailing_stop(words: list[str]) -> list[str]:
    while words and (words[-1] in CALENDAR or words[-1] in _FUNCTION_CAPS):
        words = words[:-1]
    return words


_FUNCTION_CAPS = frozenset(
    "The A An This That These Those It Its In On At By For From With Of To And Or But If When "
    "While After Before As Also However Yet So Then Now Here There".split()
)


_INVESTOR_HEADS = frozenset("Ventures Capital Partners Fund Funds Investments Equity".split())
_UNIT_TAIL_RE = re.compile(r"(?:[ ]+[A-Z][\w&\-]+){1,3}")
_STARTUP_KINDS = frozenset({None, "startup", "lab"})
_REGULATOR_KINDS = frozenset({"regulator", "government"})


def anaphor_compatible(noun: str, kind: str | None, etype: EntityType) -> bool:
    """Whether "the <noun>" can refer to an organization of this kind."""
    if etype is EntityType.PRODUCT or kind == "media":
        return False
    if noun in ("agency", "regulator", "watchdog"):
        return kind in _REGULATOR_KINDS
    if kind in _REGULATOR_KINDS:
        return False
    if noun in ("startup", "start-up"):
        return kind in _STARTUP_KINDS
    if noun == "giant":
        return kind in ("bigtech", "chip", "cloud", "enterprise", "company", None)
    # "the company" is seldom a venture fund; "the firm" may be
    return not (noun != "firm" and kind == "investor")


def unknown_org_candidates(
    ftext: str, taken: list[tuple[int, int]]
) -> list[tuple[int, int, str, str]]:
    """Capitalised phrases outside known mentions: (start, end, surface, strength U|W)."""
    out = []
    for m in CAP_PHRASE_RE.finditer(ftext):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in taken):
            continue
        surface = m.group(0)
        if surface.endswith(".") and not surface.endswith(("Inc.", "Corp.", "Co.", "Ltd.")):
            surface = surface[:-1]
            end -= 1
        words = surface.split()
        # "Washington-based Orions Systems": the descriptor is not part of the name.
        cut_at = None
        for i, w in enumerate(words):
            if _DESCRIPTOR_WORD_RE.search(w):
                cut_at = i
        if cut_at is not None:
            rest = words[cut_at + 1 :]
            if not rest:
                continue
            offset = surface.index(rest[0], len(" ".join(words[: cut_at + 1])))
            start += offset
            surface = surface[offset:]
            words = rest
        while len(words) > 2 and words[0] in PLACES:
            offset = surface.index(words[1], len(words[0]))
            start += offset
            surface = surface[offset:]
            words = words[1:]
        if len(words) == 1 and (_NOT_A_NAME_RE.match(words[0])):
            continue
        at_start = start == 0 or bool(_AFTER_BREAK_RE.search(ftext, max(0, start - 4), start))
        lead = _strip_leading_stop(words, at_start)
        if lead is not words:
            if not lead:
                continue
            cut = surface.index(lead[0], len(surface) - len(" ".join(lead)) - 1)
            start += cut
            surface = surface[cut:]
            words = lead
        words2 = _strip_trailing_stop(words)
        if len(words2) != len(words):
            if not words2:
                continue
            surface = " ".join(words2)
            end = start + len(surface)
            words = words2
        if not words or words[0] in ("of", "for", "de", "and", "&"):
            continue
        if len(words) == 1:
            w = words[0]
            if w in PLACES or w in CALENDAR or w in FIRST_NAMES or len(w) < 2:
                continue
        if all(w in PLACES for w in words if w not in ("of", "&", "the") and w not in STOP_CAPS):
            continue
        if _is_person_like(words):
            continue
        if len(words) == 1 and _SPEECH_AFTER_RE.match(ftext, end):
            continue  # "Rubin said": a person
        # "IoT firm X": a capitalised modifier of a descriptor noun is not a name.
        if _DESCRIPTOR_AFTER_RE.match(ftext, end) and words[-1] not in ORG_HEADS:
            continue
        last = words[-1].rstrip(".")
        strong = (
            last in ORG_HEADS
            or words[-1] in ORG_HEADS
            or (len(words) >= 2 and last in ORG_HEADS_AI)
            or bool(re.search(r"\.(?:ai|io|com)$", words[-1], re.I))
            or bool(_ORGLIKE_CONTEXT_BEFORE_RE.search(ftext, max(0, start - 40), start))
            or bool(_ORGLIKE_CONTEXT_AFTER_RE.match(ftext[end : end + 80]))
        )
        out.append((start, end, surface, "U" if strong else "W"))
    return out


@dataclass(slots=True)
class TemplatedSentence:
    """A sentence with its entity mentions replaced by tokens."""

    text: str  # original sentence text
    folded: str  # same text with ASCII quotes and dashes
    template: str
    entities: list[SentenceEntity]
    # template offset -> sentence offset, for each token start (to map matches back)
    token_spans: list[tuple[int, int]]

    def entity(self, token: str) -> SentenceEntity:
        m = TOKEN_RE.fullmatch(token)
        assert m is not None
        return self.entities[int(m.group(2))]

    def to_sentence_offset(self, tpos: int) -> int:
        """Map a template offset back to a sentence offset (approximate inside tokens)."""
        shift = 0
        for (tstart, tend), ent in zip(self.token_spans, self.entities, strict=True):
            if tpos < tstart:
                break
            if tpos < tend:
                return ent.start
            shift += (ent.end - ent.start) - (tend - tstart)
        return tpos + shift


def build_template(
    text: str,
    hits: list[GazetteerHit],
    anaphor_targets: list[SentenceEntity],
) -> TemplatedSentence:
    """Find every mention in a sentence (known, unknown, anaphor) and build its template."""
    ftext = fold(text)
    spans: list[tuple[int, int, str, str, str | None, EntityType, str | None, str]] = []
    taken = []
    extended: dict[int, int] = {}
    for h in hits:
        tail = _UNIT_TAIL_RE.match(ftext, h.end)
        if tail and h.type is EntityType.ORGANIZATION and tail.group(0).split()[-1] in ORG_HEADS:
            extended[h.start] = tail.end()  # "Harvard Medical School" is not "Harvard"
    for h in hits:
        if h.start in extended:
            end = extended[h.start]
            name = clean_name(ftext[h.start : end])
            spans.append(
                (h.start, end, text[h.start : end], name, name, EntityType.ORGANIZATION, None, "U")
            )
            taken.append((h.start, end))
            continue
        if h.type is EntityType.PRODUCT:
            strength = "W" if h.ambiguous else "P"
            start = h.start
            # "the company behind ChatGPT", "the maker of Claude": the product's owner.
            owner_of = _OWNER_OF_RE.search(ftext, max(0, start - 45), start)
            if owner_of and not h.ambiguous:
                start = owner_of.start()
            spans.append((start, h.end, h.surface, h.name, h.owner, h.type, h.kind, strength))
            taken.append((start, h.end))
            continue
        else:
            strength = "W" if h.ambiguous else "K"
            spans.append(
                (
                    h.start,
                    h.end,
                    h.surface,
                    h.name,
                    h.name,
                    EntityType.ORGANIZATION,
                    h.kind,
                    strength,
                )
            )
        taken.append((h.start, h.end))
    anaphors = [
        m
        for rx in (_PAIR_RE, _ITS_RE, _ANAPHOR_RE)
        for m in rx.finditer(ftext)
        if not any(s < m.end() and m.start() < e for s, e in taken)
    ]
    taken.extend((m.start(), m.end()) for m in anaphors)
    for start, end, surface, strength in unknown_org_candidates(ftext, taken):
        # "US National Labor Relations Board (NLRB)": the acronym is the same organization.
        if (
            start > 0
            and ftext[start - 1] == "("
            and any(e <= start - 1 and not ftext[e : start - 1].strip() for _, e in taken)
        ):
            continue
        name = clean_name(surface)
        kind = "investor" if name.split()[-1] in _INVESTOR_HEADS else None
        spans.append((start, end, surface, name, name, EntityType.ORGANIZATION, kind, strength))
        taken.append((start, end))
    spans.sort()
    composites: list[tuple[int, int, str, list[tuple], str]] = []
    for m in anaphors:
        if m.re is _PAIR_RE:
            pair = [t for t in anaphor_targets if anaphor_compatible("company", t.kind, t.etype)]
            if len(pair) >= 2:
                members = [(t.name, t.org, t.etype, t.kind) for t in pair[:2]]
                composites.append((m.start(), m.end(), m.group(0), members, ""))
            continue
        if m.re is _ITS_RE:
            earlier = [sp for sp in spans if sp[1] <= m.start() and sp[4] is not None]
            possessors = [sp for sp in earlier if ftext.startswith("'s", sp[1]) and sp[7] != "W"]
            first = possessors[-1:] or [sp for sp in earlier if sp[7] != "W"][:1]
            cands = [sp[3:7] for sp in first] + [
                (t.name, t.org, t.etype, t.kind) for t in anaphor_targets
            ]
            cands = [c for c in cands if c[2] is EntityType.ORGANIZATION or c[1]]
            if cands:
                name, org, etype, kind = cands[0]
                composites.append(
                    (
                        m.start(),
                        m.end(),
                        m.group(0),
                        [(name, org, EntityType.ORGANIZATION, kind)],
                        "'s",
                    )
                )
            continue
        noun = m.group(0).split()[-1].lower()
        target = None
        anaphor_target = next(
            (t for t in anaphor_targets if anaphor_compatible(noun, t.kind, t.etype)), None
        )
        earlier = [sp for sp in spans if sp[1] <= m.start() and sp[7] != "R"]
        for span in reversed(earlier):
            # The sentence's own subject is "it", not "the company", later in the sentence.
            if span is earlier[0] and anaphor_target is not None:
                continue
            if span[4] is not None and anaphor_compatible(noun, span[6], span[5]):
                target = span
                break
        if target is not None:
            spans.append((m.start(), m.end(), m.group(0), *target[3:7], "R"))
        elif anaphor_target is not None:
            t = anaphor_target
            spans.append((m.start(), m.end(), m.group(0), t.name, t.org, t.etype, t.kind, "R"))
    spans.sort()
    entities: list[SentenceEntity] = []
    parts: list[str] = []
    token_spans: list[tuple[int, int]] = []
    pos = 0
    tlen = 0
    merged = [(sp[0], sp[1], sp[2], [(sp[3], sp[4], sp[5], sp[6])], "", sp[7]) for sp in spans]
    merged += [(c[0], c[1], c[2], c[3], c[4], "R") for c in composites]
    merged.sort(key=lambda x: (x[0], -x[1]))
    for start, end, surface, members, suffix, strength in merged:
        if start < pos:
            continue
        chunk = ftext[pos:start]
        parts.append(chunk)
        tlen += len(chunk)
        tokens = []
        for name, org, etype, kind in members:
            i = len(entities)
            tokens.append(f"⟪{strength}{i}⟫")
            entities.append(
                SentenceEntity(i, start, end, surface, name, org, etype, kind, strength)
            )
        token = " and ".join(tokens) + suffix
        for _ in tokens:
            token_spans.append((tlen, tlen + len(token)))
        parts.append(token)
        tlen += len(token)
        pos = end
    parts.append(ftext[pos:])
    template = "".join(parts)
    # Citation markers and bylines never make parties: "(Reuters)", "told VentureBeat".
    dropped: set[int] = set()
    for m in _CITATION_RE.finditer(template):
        dropped.add(int(m.group(1)))
    for m in _MEDIA_CONTEXT_RE.finditer(template):
        idx = int(m.group(1) or m.group(2))
        dropped.add(idx)
    for idx in dropped:
        ent = entities[idx]
        if ent.kind == "media" or ent.strength in "UW":
            ent.org = None
    return TemplatedSentence(text, ftext, template, entities, token_spans)
