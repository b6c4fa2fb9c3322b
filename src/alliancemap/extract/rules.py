"""The default extractor `rules`: offline, deterministic, no model download.

Steps per document: split sentences; find KB mentions with the gazetteer once over the
whole text; for each sentence that holds a relation trigger, add organizations the KB does
not know and anaphors ("the company"), template the sentence, run the relation patterns,
drop hedged matches (talks, rumours, plans, denials, hypotheticals), and attach the date,
deal value and a confidence to every claim.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from alliancemap.extract.dates import find_dates, parse_published
from alliancemap.extract.gazetteer import Gazetteer, GazetteerHit
from alliancemap.extract.lexicon import FIRST_NAMES, STOP_CAPS
from alliancemap.extract.mentions import (
    TOKEN_RE,
    SentenceEntity,
    TemplatedSentence,
    build_template,
)
from alliancemap.extract.patterns import PATTERNS, TYPE_TRIGGERS, Pattern
from alliancemap.extract.sentences import split_sentences
from alliancemap.extract.values import find_money
from alliancemap.kb import KnowledgeBase, default_kb
from alliancemap.model import (
    Claim,
    Document,
    Entity,
    EntityType,
    Extraction,
    Mention,
    RelationType,
)
from alliancemap.registry import register_extractor
from alliancemap.resolve import clean_name

# A sentence is worth templating only if some relation type's trigger occurs in it.
TRIGGER_RE = re.compile(
    "|".join(f"(?:{rx.pattern})" for rx in TYPE_TRIGGERS.values()), re.IGNORECASE
)

_TRIGGER_LOWER_RE = re.compile("|".join(f"(?:{rx.pattern})" for rx in TYPE_TRIGGERS.values()))

# Hedges anywhere from the start of the sentence to the end of the match.
HEDGE_CLAUSE_RE = re.compile(
    r"\b(?:in\s+talks|talks\s+(?:to|with|about|over|on|for)|held\s+talks|in\s+(?:advanced\s+|early\s+|"
    r"final\s+)?(?:discussions|negotiations)|negotiating|reportedly|rumou?r(?:s|ed)?|"
    r"according\s+to\s+(?:new\s+|recent\s+|a\s+new\s+|fresh\s+)?(?:reporting|report\s+by)|"
    r"according\s+to\s+(?:people|sources|a\s+(?:person|source|report)|reports|someone|two|three|"
    r"several|an?\s+\w+\s+report)|people\s+(?:familiar|close|with\s+knowledge|briefed)|"
    r"(?:sources|insiders)\s+(?:said|say|familiar|close)|(?:is|are|was|were)\s+said\s+to|"
    r"consider(?:s|ed|ing)?|explor(?:e|es|ed|ing)|weigh(?:s|ed|ing)?|mull(?:s|ed|ing)?|"
    r"den(?:y|ies|ied)|refut(?:e|es|ed)|bid\s+(?:to|for)|offer(?:ed|s)?\s+to|takeover\s+bid|"
    r"potential(?:ly)?|possibl[ey]|proposed|would-be|rejected|called\s+off|abandon(?:s|ed)?|"
    r"scrapped|collapsed|fell\s+through|blocked\s+(?:the|its)|speculat\w+|"
    r"(?:reported|reports|report)\s+that|(?:is|are)\s+in\s+the\s+running|hypothetical|"
    r"calls?\s+(?:for|on)|urg(?:e|es|ed|ing)|asked\s+\w+\s+to|request(?:s|ed)?\s+(?:that|an?)|"
    r"whether|if\s+(?:the|it|they)|unless|may\s+be|rather\s+than)\b",
    re.IGNORECASE,
)
# Modal and future hedges: only when they govern the trigger (a few words before it).
HEDGE_NEAR_RE = re.compile(
    r"\b(?:could|may|might|would|should|plans?\s+to|planning\s+to|planned\s+to|intends?\s+to|"
    r"intended\s+to|expect(?:s|ed)?\s+to|is\s+expected|are\s+expected|set\s+to|likely\s+to|"
    r"poised\s+to|hopes?\s+to|hoping\s+to|aims?\s+to|aiming\s+to|seeks?\s+to|seeking\s+to|"
    r"wants?\s+to|looking\s+to|trying\s+to|tried\s+to|attempt(?:s|ed)?\s+to|not|n't|never|"
    r"no|nor|neither|cannot|can't|won't|refus(?:e|es|ed)\s+to|declin(?:e|es|ed)\s+to|"
    r"fail(?:s|ed)?\s+to|ready\s+to|prepar(?:es|ing|ed)\s+to|next\s+(?:week|month|year)|"
    r"soon|eventually|one\s+day|Could|Would|Might|Should|Not|Never|No)\b"
)
# A deal called off later in the sentence was never a relation.
_CANCELLED_RE = re.compile(
    r"\b(?:(?:was|were|has\s+been|had\s+been)\s+(?:called\s+off|abandoned|scrapped|cancell?ed|"
    r"blocked|terminated|rejected)|fell\s+(?:through|apart)|collapsed)\b"
)
_NEGATION_RE = re.compile(r"\b(?:not|n't|never|no\s+longer|neither|nor)\b")
_INTENT_OK_FOR_COMPETITION = re.compile(
    r"\b(?:aims?|aiming|seeks?|seeking|hopes?|hoping|wants?|looking|trying|tried|attempt\w*|"
    r"poised|set|ready)\s+to\b",
    re.IGNORECASE,
)
ENDED_RE = re.compile(
    r"\b(?:settled|ended|terminated|ends|ending|no\s+longer|former|formerly|severed|"
    r"cut\s+ties|dissolved|expired|wound\s+down|divested|sold\s+off|spun\s+off)\b",
    re.IGNORECASE,
)
# Present tense or announcement: an undated claim takes the publication date.
ANNOUNCED_RE = re.compile(
    r"\b(?:today|announced|announces|announcing|says|said|will|agreed|agrees|unveiled|unveils|"
    r"launched|launches|confirmed|confirms|this\s+week|just|(?:is|are)\s+\w+ing|acquires|buys|"
    r"invests|partners|joins|sues|teams|signs|inks|opens|raises|leads|backs|integrates|adopts|"
    r"licenses|selects|forms|finalizes|completes|closes|expands|extends|deepens|enters|files|"
    r"launches|probes|investigates|acquiring|buying)\b",
    re.IGNORECASE,
)
# Said of the whole sentence: the news event is the publication ("X just announced ...").
ANNOUNCED_SENTENCE_RE = re.compile(
    r"\b(?:today|announced|announces|this\s+week|just\s+(?:announced|closed|raised|signed))\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK_RE = re.compile(r",\s+(?:and|but|while|as|which|up|down)\b|;|\s-\s")
_ROUND_OWNER_RE = re.compile(
    r"(⟪[KPURW]\d+⟫)(?:'s)?(?:\s*,[^;]{0,200}?,)?\s+(?:[\w\-']+\s+){0,5}?(?:raised|raises|has\s+raised|"
    r"closed|closes|secured|secures|announced|announces|lands|landed|gets|got|nabbed|nabs|bags|"
    r"bagged|snagged|pulled\s+in|brought\s+in|raising)\b"
)
_ROUND_STRICT_RE = re.compile(
    r"\b(?:round|series\s+[A-H]\b|seed|rais(?:e|es|ed|ing)|fundraising|tranche)", re.IGNORECASE
)
_ROUND_WORD_RE = re.compile(r"\b(?:round|funding|financing|raise[sd]?|investment)\b", re.IGNORECASE)

MEDIA_ALLOWED_TYPES = frozenset({RelationType.LITIGATION, RelationType.ACQUISITION})


_FUNDRAISER_RE = re.compile(
    r"(?<![\w.])([A-Z][\w&:\-]*(?:\.\w+)*(?:[ ]+[A-Z][\w&:\-]*(?:\.\w+)*){0,3})(?:['\u2019]s)?[ ]+"
    r"(?:[a-z]+[ ]+){0,2}?"
    r"(?:has\s+|have\s+)?(?:raised|raises|closed|closes|secured|secures|landed|lands|nabbed|"
    r"bagged|snagged)\s+(?:a\s+|an\s+|another\s+|nearly\s+|more\s+than\s+|over\s+)?"
    r"(?:[$\u20ac\u00a3]|US\$|USD|\d)"
)


@dataclass(slots=True)
class _Context:
    """What earlier sentences tell later ones: antecedents for anaphors and implicit roles."""

    last_subject: SentenceEntity | None = None
    round_owner: SentenceEntity | None = None
    last_group: SentenceEntity | None = None
    group_counts: dict[str | None, int] = field(default_factory=dict)
    fundraisers: list[tuple[int, str]] | None = None  # (offset, organization) in the document
    # organization -> (mentions so far, last sentence index, an entity standing for it)
    salience: dict[str, tuple[int, int, SentenceEntity]] = field(default_factory=dict)
    sentence_index: int = 0
    last_project: tuple[SentenceEntity, ...] = ()  # parties of the last joint effort
    last_project_date: str | None = None
    sentences: list = field(default_factory=list)
    text: str = ""
    offset: int = 0  # current sentence's offset


_ROLE_AFTER_RE = re.compile(
    r"\s*(?:'s\s+)?(?:co-?founder|cofounder|founder|CEO|chief|executive|president|chairman|"
    r"partner|professor|researcher|scientist|engineer|alum|alumnus|veteran|spokesperson|"
    r"analyst|director|head|lead|employee|staffer|creator\s+of)\b"
)
_POSSESSIVE_NAME_RE = re.compile(r"'s?\s+(?:" + "|".join(sorted(FIRST_NAMES)) + r")\s+[A-Z]")


def _tokens(m: re.Match[str] | None, group: str, ts: TemplatedSentence) -> list[SentenceEntity]:
    """Entities of a list group; in 'A's B', the possessor stands for a product, the head
    stands for an organization unit ("Alphabet's Google"). An organization that only
    qualifies a person ("Stanford professor X", "Stanford's Andrew Ng") is not a party."""
    if m is None or group not in m.re.groupindex or m.group(group) is None:
        return []
    template = ts.template
    lo, hi = m.span(group)
    out: list[SentenceEntity] = []
    toks = list(TOKEN_RE.finditer(template, lo, hi))
    skip_next = False
    for i, tok in enumerate(toks):
        if skip_next:
            skip_next = False
            continue
        ent = ts.entities[int(tok.group(2))]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        between = template[tok.end() : nxt.start()] if nxt else ""
        if nxt is not None and re.fullmatch(r"'s?\s+", between):
            head = ts.entities[int(nxt.group(2))]
            chosen = ent if head.etype is EntityType.PRODUCT or head.strength == "W" else head
            if not _ROLE_AFTER_RE.match(template, nxt.end()):
                out.append(chosen)
            skip_next = True
            continue
        if _ROLE_AFTER_RE.match(template, tok.end()) or _POSSESSIVE_NAME_RE.match(
            template, tok.end()
        ):
            continue
        out.append(ent)
    return out


_CLAUSE_VERB_AFTER_RE = re.compile(
    r"\s+(?:is|are|was|were|has|have|had|will|said|says|also|then|later|acquir\w*|buy\w*|bought|"
    r"invest\w*|partner\w*|purchas\w*|sued|sues|su(?:e|ing)|launch\w*|announc\w*|raised|raises|"
    r"compet\w*|join\w*|took|takes|snapped|picked)\b"
)
_QUALIFIED_PLURAL_RE = re.compile(
    r"(?:'s)?\s+(?:rivals|competitors|challengers|alternatives|customers|clients|partners|"
    r"investors|backers|employees|users|engineers|researchers|alumni|veterans|executives)\b"
)


def _qualifies_plural(ts: TemplatedSentence, ent: SentenceEntity) -> bool:
    """Whether the mention is a modifier of a plural noun right after it."""
    for tok in TOKEN_RE.finditer(ts.template):
        if ts.entity(tok.group(0)) is ent:
            return bool(_QUALIFIED_PLURAL_RE.match(ts.template, tok.end()))
    return False


_PASSIVE_BEFORE_RE = re.compile(r"\b(?:was|were|been|being|be|is|are|get|got)\s+(?:\w+ly\s+)?$")


def _weak_filtered(
    ents: list[SentenceEntity], pat: Pattern, implicit_slot: bool
) -> list[SentenceEntity]:
    """Keep weak single-word names only where the slot vouches for them."""
    if not ents:
        return ents
    multi = len(ents) >= 2
    out = []
    for e in ents:
        if e.strength == "W" and " " not in e.name.strip() and not (multi or implicit_slot):
            continue
        out.append(e)
    return out


def _org(ent: SentenceEntity) -> str | None:
    return ent.org


_WORD_RE = re.compile(r"[A-Za-z][\w'\u2019&.-]*")
_NAV_RE = re.compile(r"\bView All\b|\bSign (?:in|up)\b|\bSubscribe\b.*\bNewsletters?\b")


def is_boilerplate(sentence: str) -> bool:
    """Navigation menus and link lists: long runs of capitalised words with few verbs."""
    if _NAV_RE.search(sentence):
        return True
    words = _WORD_RE.findall(sentence)
    if len(words) < 14:
        return False
    commas = sentence.count(",")
    if (len(sentence) > 350 and commas == 0) or (len(sentence) > 600 and commas <= 1):
        return True
    caps = sum(1 for w in words if w[0].isupper())
    limit = 0.5 if len(sentence) > 300 else 0.6
    return caps / len(words) > limit


class RulesExtractor:
    """Pattern-based relation extractor over the bundled knowledge base."""

    name = "rules"

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or default_kb()
        self.gazetteer = Gazetteer(self.kb)
        self._kinds = {n: e.kind for n, e in self.kb.organizations.items()}

    # ------------------------------------------------------------------ API
    def extract(self, document: Document) -> Extraction:
        """Mentions and claims of one document."""
        text = document.text
        published = parse_published(document.published)
        hits = self.gazetteer.find(text)
        hit_starts = [h.start for h in hits]
        ctx = _Context(text=text)
        low = text.lower()
        scan = (
            _TRIGGER_LOWER_RE.finditer(low) if len(low) == len(text) else TRIGGER_RE.finditer(text)
        )
        triggers = [m.start() for m in scan]
        claims: list[Claim] = []
        mentions: list[Mention] = []
        entities: dict[str, Entity] = {}
        ctx.sentences = split_sentences(text)
        for sent_index, sent in enumerate(ctx.sentences):
            ctx.sentence_index = sent_index
            lo = bisect.bisect_left(hit_starts, sent.start)
            hi = bisect.bisect_left(hit_starts, sent.end)
            shits = [
                GazetteerHit(
                    h.start - sent.start,
                    h.end - sent.start,
                    h.surface,
                    h.name,
                    h.type,
                    h.kind,
                    h.owner,
                )
                for h in hits[lo:hi]
                if h.end <= sent.end
            ]
            for h in shits:
                self._note_entity(entities, h.name, h.type, h.kind, h.owner, True)
                mentions.append(
                    Mention(
                        h.start + sent.start,
                        h.end + sent.start,
                        h.surface,
                        h.name,
                        h.type,
                        h.owner,
                    )
                )
            t = bisect.bisect_left(triggers, sent.start)
            if t >= len(triggers) or triggers[t] >= sent.end or is_boilerplate(sent.text):
                self._update_context_from_hits(ctx, shits)
                continue
            anaphor = self._salient(ctx)
            ctx.offset = sent.start
            ts = build_template(sent.text, shits, anaphor)
            if len(ts.entities) >= 2 or (ts.entities and (ctx.round_owner or ctx.last_group)):
                for claim in self._claims(ts, sent.start, document, published, ctx):
                    claims.append(claim)
                    if claim.type is RelationType.PARTNERSHIP:
                        ctx.last_project_date = claim.date
                        ctx.last_project = tuple(
                            SentenceEntity(
                                -1, 0, 0, n, n, n, EntityType.ORGANIZATION, self._kinds.get(n), "K"
                            )
                            for n in (claim.subject, claim.object)
                        )
                    for name in (claim.subject, claim.object):
                        if name not in entities:
                            self._note_entity(
                                entities, name, EntityType.ORGANIZATION, None, None, False
                            )
            self._update_context(ctx, ts)
        return Extraction(
            document=document,
            entities=list(entities.values()),
            mentions=mentions,
            claims=_dedupe(claims),
            surface_names=_surface_names(text, mentions),
        )

    # ------------------------------------------------------------ internals
    def _note_entity(self, entities, name, etype, kind, owner, in_kb) -> None:
        if name in entities:
            return
        if etype is EntityType.PRODUCT:
            entities[name] = Entity(name, EntityType.PRODUCT, kind=kind, owner=owner, in_kb=in_kb)
        else:
            entities[name] = Entity(name, EntityType.ORGANIZATION, kind=kind, in_kb=in_kb)

    def _salient(self, ctx: _Context) -> list[SentenceEntity]:
        """Candidates for "the company", most likely first: organizations named in the last
        three sentences, by mentions so far (ties go to the most recent)."""
        recent = [
            (count, last, ent)
            for count, last, ent in ctx.salience.values()
            if ctx.sentence_index - last <= 3
        ]
        recent.sort(key=lambda r: (r[0], r[1]), reverse=True)
        out = [ent for _, _, ent in recent]
        if not out and ctx.last_subject is not None:
            out.append(ctx.last_subject)
        return out

    def _note_salience(self, ctx: _Context, name: str, ent: SentenceEntity) -> None:
        count, _, _ = ctx.salience.get(name, (0, 0, ent))
        ctx.salience[name] = (count + 1, ctx.sentence_index, ent)

    def _update_context_from_hits(self, ctx: _Context, hits: list[GazetteerHit]) -> None:
        for h in hits:
            if h.ambiguous or h.kind == "media":
                continue
            org = h.name if h.type is EntityType.ORGANIZATION else h.owner
            if org:
                kind = h.kind if h.type is EntityType.ORGANIZATION else self._kinds.get(org)
                self._note_salience(
                    ctx,
                    org,
                    SentenceEntity(
                        -1, h.start, h.end, h.surface, org, org, EntityType.ORGANIZATION, kind, "K"
                    ),
                )
        for h in hits:
            if h.type is EntityType.ORGANIZATION and h.kind != "media":
                ent = SentenceEntity(
                    -1, h.start, h.end, h.surface, h.name, h.name, h.type, h.kind, "K"
                )
                ctx.last_subject = ent
                break
        for h in hits:
            if h.kind == "consortium":
                ctx.group_counts[h.name] = ctx.group_counts.get(h.name, 0) + 1
                if ctx.last_group is None or ctx.group_counts[h.name] >= ctx.group_counts.get(
                    ctx.last_group.org, 0
                ):
                    ctx.last_group = SentenceEntity(
                        -1, h.start, h.end, h.surface, h.name, h.name, h.type, h.kind, "K"
                    )

    def _update_context(self, ctx: _Context, ts: TemplatedSentence) -> None:
        first = None
        for ent in ts.entities:
            if ent.org is None or ent.kind == "media":
                continue
            if ent.strength in "KPU":
                kind = (
                    ent.kind if ent.etype is EntityType.ORGANIZATION else self._kinds.get(ent.org)
                )
                self._note_salience(
                    ctx,
                    ent.org,
                    SentenceEntity(
                        -1,
                        ent.start,
                        ent.end,
                        ent.surface,
                        ent.org,
                        ent.org,
                        EntityType.ORGANIZATION,
                        kind,
                        "K",
                    ),
                )
            if ent.is_group and not _modifier_use(ts, ent):
                ctx.group_counts[ent.org] = ctx.group_counts.get(ent.org, 0) + 1
                if ctx.last_group is None or ctx.group_counts[ent.org] >= ctx.group_counts.get(
                    ctx.last_group.org, 0
                ):
                    ctx.last_group = ent
            if first is None and ent.strength in "KUPR":
                first = ent
        if first is not None:
            ctx.last_subject = (
                first
                if first.etype is not EntityType.PRODUCT
                else SentenceEntity(
                    first.index,
                    first.start,
                    first.end,
                    first.surface,
                    first.org or first.name,
                    first.org,
                    EntityType.ORGANIZATION,
                    self._kinds.get(first.org or ""),
                    "K",
                )
            )
        m = _ROUND_OWNER_RE.search(ts.template)
        if m and _ROUND_WORD_RE.search(ts.template, m.end()):
            owner = ts.entity(m.group(1))
            if owner.org is not None:
                ctx.round_owner = owner

    def _claims(self, ts, offset, document, published, ctx):
        template = ts.template
        low = template.lower()
        active = {t for t, rx in TYPE_TRIGGERS.items() if rx.search(low)}
        explicit: list[Claim] = []
        implicit: list[Claim] = []
        for pat in PATTERNS:
            if pat.type not in active:
                continue
            for m in pat.regex.finditer(template):
                got = self._from_match(pat, m, ts, offset, document, published, ctx)
                (implicit if pat.implicit else explicit).extend(got)
        stated = {(c.type, c.subject) for c in explicit} | {(c.type, c.object) for c in explicit}
        found = explicit + [
            c
            for c in implicit
            if (c.type, c.subject) not in stated or c.type is RelationType.MEMBERSHIP
        ]
        return [c for c in found if not self._parent_and_unit(c)]

    def _parent_and_unit(self, claim: Claim) -> bool:
        """A unit does not compete with or sue its own parent (Instagram and Meta)."""
        if claim.type not in (RelationType.COMPETITION, RelationType.LITIGATION):
            return False
        return self._ancestor(claim.subject, claim.object) or self._ancestor(
            claim.object, claim.subject
        )

    def _ancestor(self, a: str, b: str) -> bool:
        seen = 0
        ent = self.kb.organizations.get(b)
        while ent is not None and ent.parent and seen < 6:
            if ent.parent == a:
                return True
            ent = self.kb.organizations.get(ent.parent)
            seen += 1
        return False

    def _from_match(self, pat: Pattern, m: re.Match[str], ts, offset, document, published, ctx):
        template = ts.template
        project_date = None
        vstart = m.start("v") if "v" in pat.regex.groupindex and m.group("v") else m.start()
        # ---- hedges
        scope_start = m.start() if pat.scope == "match" else 0
        clause = template[scope_start : m.end()] if pat.check_hedges else ""
        if HEDGE_CLAUSE_RE.search(clause) or _CANCELLED_RE.search(template, m.end(), m.end() + 90):
            return []
        # Nominal forms ("X's acquisition of Y") state a fact whatever governs the phrase.
        near_from = m.start() if pat.name.endswith("_nominal") else scope_start
        near = template[max(near_from, vstart - 45) : vstart]
        cut = max(near.rfind(" and "), near.rfind(","), near.rfind(";"))
        if cut >= 0:
            near = near[cut:]
        near_hit = HEDGE_NEAR_RE.search(near)
        o_start = m.start("o") if "o" in pat.regex.groupindex and m.group("o") else None
        if (
            o_start is not None
            and o_start > vstart
            and _NEGATION_RE.search(template, vstart, o_start)
        ):
            return []
        if near_hit and not (
            pat.type is RelationType.COMPETITION and _INTENT_OK_FOR_COMPETITION.search(near)
        ):
            return []
        # ---- roles
        subjects = _tokens(m, "s", ts) + _tokens(m, "s2", ts)
        objects = _tokens(m, "o", ts)
        if pat.type is not RelationType.COMPETITION:
            # "one of the OpenAI rivals, Anthropic": the name only qualifies a plural noun.
            subjects = [e for e in subjects if not _qualifies_plural(ts, e)]
            objects = [e for e in objects if not _qualifies_plural(ts, e)]
        # "A acquiring B, C buying D": C opens a new clause and is no object of A.
        if pat.pairwise and len(subjects) > 2 and _CLAUSE_VERB_AFTER_RE.match(template, m.end("s")):
            toks = list(TOKEN_RE.finditer(template, m.start("s"), m.end("s")))
            if len(toks) >= 2 and re.fullmatch(
                r"(?:'s?)?\s*,\s*", template[toks[-2].end() : toks[-1].start()]
            ):
                subjects = subjects[:-1]
        if len(objects) > 1 and _CLAUSE_VERB_AFTER_RE.match(template, m.end("o")):
            toks = list(TOKEN_RE.finditer(template, m.start("o"), m.end("o")))
            if len(toks) >= 2 and re.fullmatch(
                r"(?:'s?)?\s*,\s*", template[toks[-2].end() : toks[-1].start()]
            ):
                objects = objects[:-1]
        # A lone weak name ("Katz", "Shareholders") is no organization on its own; in a list
        # of investors or members, or beside organizations, it is.
        subjects = _weak_filtered(subjects, pat, implicit_slot=pat.implicit)
        objects = _weak_filtered(objects, pat, implicit_slot=False)
        if (
            pat.type is not RelationType.COMPETITION
            and _PASSIVE_BEFORE_RE.search(template, max(0, vstart - 16), vstart)
            and not pat.name.endswith(("passive", "_by", "by_into"))
            and re.match(
                r"(?:\w+ed|bought|sold|taken|won|drawn|made|built|run)\b", template[vstart:]
            )
        ):
            return []
        if pat.project_object:
            objects = list(ctx.last_project)
            if not objects:
                return []
            project_date = ctx.last_project_date
        if pat.implicit:
            implied = self._implicit(pat, m, ts, ctx, subjects, objects)
            if implied is None:
                return []
            if pat.type in (RelationType.INVESTMENT, RelationType.MEMBERSHIP):
                objects = [implied]
            else:
                subjects = [implied]
        if pat.reverse:
            subjects, objects = objects, subjects
        if pat.object_group:
            if pat.reverse:
                return []
            objects = [o for o in objects if o.is_group]
            subjects = [s for s in subjects if not s.is_group]
            if not objects:
                return []
        elif pat.type is RelationType.MEMBERSHIP:
            return []
        if pat.regulator_subject:
            subjects = [s for s in subjects if s.is_regulator]
        if pat.product_object and not _involves_product_or_noun(m, ts, pat):
            return []
        pairs: list[tuple[SentenceEntity, SentenceEntity]] = []
        if pat.pairwise and not objects:
            for i, a in enumerate(subjects):
                for b in subjects[i + 1 :]:
                    pairs.append((a, b))
        else:
            pairs = [(a, b) for a in subjects for b in objects]
        if not pairs:
            return []
        # ---- attributes
        sent_text = ts.text
        vpos = ts.to_sentence_offset(vstart)
        date = (
            project_date
            if pat.project_object
            else self._date(
                sent_text,
                published,
                vpos,
                pat,
                template[m.start() : m.end()],
                (ts.to_sentence_offset(m.start()), ts.to_sentence_offset(m.end())),
            )
        )
        value = _value(sent_text, pat.type)
        ended = bool(ENDED_RE.search(template[max(0, vstart - 60) : m.end()]))
        out = []
        for a, b in pairs:
            sa, sb = _org(a), _org(b)
            if (
                pat.type is RelationType.ACQUISITION
                and b.etype is EntityType.PRODUCT
                and sa == sb
                and b.strength == "P"
            ):
                sb = b.name  # "Apple acquired Siri": the company of that name, now a product
            if not sa or not sb or sa == sb:
                continue
            if not self._endpoint_ok(a, pat) or not self._endpoint_ok(b, pat):
                continue
            conf = pat.confidence
            for e in (a, b):
                if e.strength == "W":
                    conf -= 0.12
                elif e.strength == "R":
                    conf -= 0.06
                elif e.strength == "U":
                    conf -= 0.04
            if a.strength in "KP" and b.strength in "KP":
                conf += 0.06
            out.append(
                Claim(
                    subject=sa,
                    object=sb,
                    type=pat.type,
                    evidence=sent_text,
                    date=date,
                    evidence_start=offset,
                    evidence_end=offset + len(sent_text),
                    document_id=document.id,
                    extractor=self.name,
                    confidence=round(max(0.05, min(conf, 0.98)), 3),
                    ended=ended,
                    value_usd=value[0] if value and pat.type in _VALUED else None,
                    value_text=value[1] if value and pat.type in _VALUED else None,
                )
            )
        return out

    def _endpoint_ok(self, ent: SentenceEntity, pat: Pattern) -> bool:
        kind = ent.kind if ent.etype is EntityType.ORGANIZATION else self._kinds.get(ent.org or "")
        if pat.type is RelationType.COMPETITION and ent.is_regulator:
            return False
        return not (kind == "media" and pat.type not in MEDIA_ALLOWED_TYPES)

    def _implicit(self, pat, m, ts, ctx, subjects, objects) -> SentenceEntity | None:
        """The role a pattern leaves unsaid: the round's company, the group, the subject."""
        used = {id(e) for e in subjects + objects}
        if pat.type is RelationType.INVESTMENT:
            prefix = ts.template[: m.start()]
            owner = None
            for mm in _ROUND_OWNER_RE.finditer(prefix):
                owner = ts.entity(mm.group(1))
            if owner is None and not _ROUND_STRICT_RE.search(ts.template):
                return None  # "investment from companies including ..." names no round
            if owner is None:
                leaders = {
                    id(e)
                    for lm in _LEADER_RE.finditer(ts.template)
                    for e in _ents_in(lm.group(1), ts)
                }
                owner = _nearest_left(
                    ts, m.start(), used | leaders, strong=True, skip_list_items=True
                )
            if owner is not None and owner.strength == "R" and owner.kind in _NOT_FUNDRAISERS:
                return None  # "the company closed a round" seldom means a big incumbent
            if owner is None:
                owner = self._nearest_fundraiser(ctx)
            if owner is None:
                owner = ctx.round_owner or ctx.last_subject
            return owner
        if pat.type is RelationType.MEMBERSHIP:
            for ent in ts.entities:
                if ent.is_group and id(ent) not in used:
                    return ent
            return ctx.last_group
        left = _nearest_left(ts, m.start(), used, strong=True)
        if left is None and pat.salient_fallback:
            focus = self._salient(ctx)
            taken = {e.org for e in subjects + objects}
            return next(
                (f for f in focus if f.org not in taken and f.kind not in _NOT_FOCUS_KINDS), None
            )
        return left

    def _nearest_fundraiser(self, ctx: _Context) -> SentenceEntity | None:
        """The organization raising money nearest this sentence, before or after it."""
        if ctx.fundraisers is None:
            found = []
            for sent in ctx.sentences:
                if is_boilerplate(sent.text):
                    continue
                for m in _FUNDRAISER_RE.finditer(sent.text):
                    words = m.group(1).split()[-3:]
                    while words and (words[0] in _NOT_SUBJECT or words[0] in STOP_CAPS):
                        words = words[1:]
                    if words:
                        found.append((sent.start + m.start(1), " ".join(words)))
            resolved = []
            for pos, name in found:
                if not words:
                    continue
                hit = self.gazetteer.find(name)
                if hit and hit[0].start == 0 and hit[0].type is EntityType.ORGANIZATION:
                    name = hit[0].name
                elif hit and hit[0].type is EntityType.PRODUCT:
                    continue
                resolved.append((pos, clean_name(name)))
            ctx.fundraisers = resolved
        if not ctx.fundraisers:
            return None
        pos, name = min(ctx.fundraisers, key=lambda f: abs(f[0] - ctx.offset))
        kind = self._kinds.get(name)
        return SentenceEntity(-1, 0, 0, name, name, name, EntityType.ORGANIZATION, kind, "U")

    def _date(self, sent_text, published, vpos, pat, matched, match_span) -> str | None:
        dates = [d for d in find_dates(sent_text, published) if d.value]
        if published:
            # A date after publication is a target ("by 2020"), not when the relation began.
            dates = [d for d in dates if d.value[:4] <= published[:4]]
        if dates and pat.dated:
            # Only dates in the verb's own clause: "up from $2.7B in November 2020, and comes
            # as the company finalizes the acquisition" does not date the acquisition.
            lo = max((b.end() for b in _CLAUSE_BREAK_RE.finditer(sent_text, 0, vpos)), default=0)
            nxt = _CLAUSE_BREAK_RE.search(sent_text, vpos)
            hi = nxt.start() if nxt else len(sent_text)
            lo = min(lo, match_span[0])
            hi = max(hi, match_span[1])
            dates = [d for d in dates if lo <= d.start and d.end <= hi]
        if not pat.dated:
            # Background facts ("X-backed Y") take only a date written inside the match.
            lo, hi = match_span
            dates = [d for d in dates if lo <= d.start and d.end <= hi]
        if dates:
            best = min(
                dates,
                key=lambda d: (
                    0 if d.start <= vpos <= d.end else min(abs(d.start - vpos), abs(d.end - vpos))
                ),
            )
            return best.value
        if (
            pat.dated
            and published
            and (ANNOUNCED_RE.search(matched) or ANNOUNCED_SENTENCE_RE.search(sent_text))
        ):
            return published
        return None


_NOT_FUNDRAISERS = frozenset(
    {"bigtech", "chip", "cloud", "enterprise", "media", "regulator", "government", "investor"}
)
_NOT_FOCUS_KINDS = frozenset({"investor", "regulator", "government", "media"})
_NOT_SUBJECT = frozenset(
    [
        "The",
        "This",
        "That",
        "It",
        "Its",
        "Also",
        "And",
        "But",
        "Last",
        "In",
        "On",
        "Now",
        "Today",
        "Meanwhile",
        "Separately",
        "Earlier",
    ]
)
_VALUED = frozenset({RelationType.INVESTMENT, RelationType.ACQUISITION, RelationType.PARTNERSHIP})


def _involves_product_or_noun(m: re.Match[str], ts: TemplatedSentence, pat: Pattern) -> bool:
    """Supply from use or power needs the provider side to name a product or a possessive
    noun ("Amazon's cloud"), not just any organization."""
    group = m.group("s") if pat.name == "sup_powered" else m.group("o")
    for tok in TOKEN_RE.finditer(group or ""):
        if ts.entity(tok.group(0)).etype is EntityType.PRODUCT:
            return True
    return bool(re.search(r"'s?\s+(?:[\w\-]+\s+){0,2}?[a-z]", group or ""))


_LEADER_RE = re.compile(
    r"((?:⟪[KPURW]\d+⟫(?:'s?)?(?:\s*,\s*|\s+and\s+|\s+[\w.\-]+\s+){0,3}?)+)\s*(?:co-)?(?:led|leads|"
    r"participated|joined|invested)\b"
)


_MODIFIER_AFTER_RE = re.compile(
    r"\s+(?:project|projects|member|members|initiative|effort|program)\b"
)


def _modifier_use(ts: TemplatedSentence, ent: SentenceEntity) -> bool:
    """'a Linux Foundation project': the name qualifies something else here."""
    before = ts.folded[max(0, ent.start - 3) : ent.start].lower()
    return before.endswith(("a ", "an ")) or bool(_MODIFIER_AFTER_RE.match(ts.folded, ent.end))


def _ents_in(text: str, ts: TemplatedSentence) -> list[SentenceEntity]:
    return [ts.entity(t.group(0)) for t in TOKEN_RE.finditer(text)]


_LIST_ITEM_BEFORE_RE = re.compile(r"(?:\bby|\bfrom|\bincluding|\band|\blike|\bas|,|/)\s*$")


def _nearest_left(
    ts: TemplatedSentence, tpos: int, used: set[int], strong: bool, skip_list_items: bool = False
) -> SentenceEntity | None:
    best = None
    for tok in TOKEN_RE.finditer(ts.template, 0, tpos):
        ent = ts.entity(tok.group(0))
        if id(ent) in used or ent.org is None:
            continue
        if skip_list_items and (
            _LIST_ITEM_BEFORE_RE.search(ts.template, max(0, tok.start() - 12), tok.start())
            or ent.strength == "W"
        ):
            continue
        if _POSSESSIVE_NAME_RE.match(ts.template, tok.end()) or _ROLE_AFTER_RE.match(
            ts.template, tok.end()
        ):
            continue
        if strong and ent.strength == "W" and ent.index != 0:
            continue
        if ent.kind == "media":
            continue
        best = ent
    return best


def _value(sentence: str, rtype: RelationType) -> tuple[float | None, str] | None:
    if rtype not in _VALUED:
        return None
    monies = find_money(sentence)
    if not monies:
        return None
    best = max(monies, key=lambda x: x.usd or 0.0)
    return (best.usd, best.text)


_COUNTRY_PREFIX_RE = re.compile(r"(?:U\.S\.|US|U\.K\.|UK|EU)\s$")


def _surface_names(text: str, mentions: list[Mention]) -> dict[str, str]:
    """Canonical name -> the fullest form this document uses for it (spec: names as written)."""
    best: dict[str, str] = {}
    for m in mentions:
        surface = clean_name(m.surface)
        pre = _COUNTRY_PREFIX_RE.search(text, max(0, m.start - 6), m.start)
        if pre:
            surface = pre.group(0) + surface
        old = best.get(m.entity)
        if old is None or len(surface) > len(old):
            best[m.entity] = surface
    return best


def _dedupe(claims: list[Claim]) -> list[Claim]:
    """One claim per (relation, evidence sentence): the most confident pattern wins."""
    best: dict[tuple, Claim] = {}
    for c in claims:
        key = (*c.key(), c.evidence_start)
        old = best.get(key)
        if old is None or c.confidence > old.confidence:
            best[key] = c
    return list(best.values())


register_extractor("rules", RulesExtractor)
