"""Syntactic checks on one pattern reading of a claim, over a spaCy dependency parse.

Two questions, each answered with a reason string (reject) or None (keep):

- `hedge_reason`: is the trigger governed by something that makes the relation unasserted:
  a modal or negation on its verb chain, a hedging governor ("plans to", "is expected to",
  "denied that", "talks to"), a condition ("if"), or an anonymous source ("according to
  people familiar", "sources said")?
- `subject_reason` / `object_reason`: do the mentions fill the roles the pattern assumes?
  A mention before a verbal trigger is dropped when the clause has another subject and the
  mention is neither in it nor the noun the clause modifies; a mention after it, when it
  sits among the complements of another clause below the trigger.

Only general English syntax lives here, never names or particular sentences.
"""

from __future__ import annotations

from typing import Any

Token = Any  # spacy.tokens.Token, kept untyped so spaCy stays optional
Span = tuple[int, int]

SUBJ_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
# Dependencies that open another clause; a mention reached through one sits in that clause.
CLAUSE_DEPS = frozenset({"relcl", "advcl", "ccomp", "acl", "parataxis", "csubj", "xcomp"})
NAMING_VERBS = frozenset(
    {"called", "named", "dubbed", "known", "nicknamed", "titled", "branded", "rebranded"}
)
MODALS = frozenset({"could", "may", "might", "would", "should", "'d"})
HEDGE_ADVERBS = frozenset(
    {
        "reportedly",
        "allegedly",
        "potentially",
        "possibly",
        "perhaps",
        "maybe",
        "supposedly",
        "purportedly",
        "likely",
        "probably",
        "hypothetically",
    }
)
CONDITIONS = frozenset({"if", "unless", "whether"})


def _forms(*stems: str) -> frozenset[str]:
    """Inflected forms of regular verbs ("plan" -> plan, plans, planned, planning)."""
    out: set[str] = set()
    for stem in stems:
        base, _, extra = stem.partition("|")
        out.add(base)
        out.update(f for f in extra.split(",") if f)
        if not extra:
            e = base[:-1] if base.endswith("e") else base
            out.update({base + "s", e + "ed", e + "ing"})
    return frozenset(out)


# Verbs and adjectives whose infinitive complement is not (yet) a fact.
HEDGE_GOVERNORS = _forms(
    "plan|plans,planned,planning",
    "consider",
    "seek|seeks,sought,seeking",
    "expect",
    "intend",
    "hope",
    "aim",
    "want",
    "try|tries,tried,trying",
    "attempt",
    "explore",
    "mull",
    "weigh",
    "negotiate",
    "propose",
    "offer",
    "refuse",
    "decline",
    "fail",
    "threaten",
    "prepare",
    "look",
    "eye",
    "need",
    "wish",
    "urge",
    "ask",
    "push",
    "lobby",
    "deny|deny,denies,denied,denying",
    "rumor",
    "rumour",
    "poised|poised",
    "likely|likely",
    "unlikely|unlikely",
    "ready|ready",
    "eager|eager",
    "keen|keen",
    "set|set",
    "due|due",
    "able|able",
    "unable|unable",
    "willing|willing",
)
# Verbs whose clausal complement is reported, denied or guessed rather than asserted.
REPORT_GOVERNORS = _forms(
    "report",
    "deny|deny,denies,denied,denying",
    "rumor",
    "rumour",
    "speculate",
    "suggest",
    "allege",
    "predict",
    "expect",
    "hope",
    "believe",
    "think|think,thinks,thought,thinking",
    "guess",
    "wonder",
    "suspect",
    "doubt",
    "imagine",
    "dispute",
    "refute",
)
SAY_VERBS = _forms(
    "say|say,says,said,saying", "tell|tell,tells,told,telling", "add", "note", "claim", "suggest"
)
ANONYMOUS = frozenset(
    {
        "source",
        "sources",
        "people",
        "person",
        "insider",
        "insiders",
        "report",
        "reports",
        "rumor",
        "rumors",
        "rumour",
        "rumours",
        "someone",
        "speculation",
    }
)
# Nouns whose infinitive or clausal complement is not a fact ("talks to buy", "a bid for").
HEDGE_NOUNS = frozenset(
    {
        "talks",
        "negotiations",
        "discussions",
        "plan",
        "plans",
        "bid",
        "bids",
        "offer",
        "proposal",
        "attempt",
        "attempts",
        "effort",
        "efforts",
        "intention",
        "intent",
        "option",
        "rumor",
        "rumors",
        "rumour",
        "rumours",
        "report",
        "reports",
        "speculation",
        "possibility",
        "chance",
        "prospect",
        "hopes",
        "ambition",
        "ambitions",
        "push",
        "idea",
    }
)
# Modifiers that make a nominal trigger unasserted ("a proposed acquisition").
HEDGE_NOUN_MODIFIERS = frozenset(
    {
        "proposed",
        "potential",
        "possible",
        "rumored",
        "rumoured",
        "mooted",
        "reported",
        "failed",
        "aborted",
        "attempted",
        "prospective",
        "hypothetical",
        "would-be",
        "speculated",
        "alleged",
    }
)
NEGATING_PREPS = frozenset({"without", "instead", "than"})


def _w(tok: Token) -> str:
    return tok.lower_


# Nouns the small model often tags as verbs before a name ("AI startup DeepAffects").
NOUN_LOOKALIKES = frozenset({"startup", "startups", "spinoff", "spinout", "setup", "buyout"})


def is_verb(tok: Token) -> bool:
    """A verb or auxiliary by its fine-grained tag."""
    if tok.lower_ in NOUN_LOOKALIKES:
        return False
    return tok.tag_.startswith("VB") or tok.tag_ == "MD"


def _own_subject(tok: Token) -> Token | None:
    return next((c for c in tok.children if c.dep_ in SUBJ_DEPS), None)


def _own_hedge(tok: Token, with_negation: bool = True) -> str | None:
    """A hedge among the token's own dependents."""
    for c in tok.children:
        w = _w(c)
        if c.dep_ == "aux" and w in MODALS:
            return f"modal '{c.text}'"
        if with_negation and c.dep_ == "neg":
            return f"negation '{c.text}'"
        if c.dep_ == "mark" and w in CONDITIONS:
            return f"condition '{c.text}'"
        if c.dep_ == "advmod" and w in HEDGE_ADVERBS:
            return f"hedge adverb '{c.text}'"
        if c.dep_ == "prep" and w == "according":
            for gc in c.subtree:
                if gc.dep_ == "pobj" and _w(gc) in ANONYMOUS:
                    return f"according to {gc.text}"
    if _w(tok) in SAY_VERBS:
        subj = _own_subject(tok)
        if subj is not None and _w(subj) in ANONYMOUS:
            return f"'{subj.text} {tok.text}'"
    return None


# Intent is itself the fact for competition: "aims to rival X" presents a challenger.
INTENT_GOVERNORS = _forms(
    "aim",
    "seek|seeks,sought,seeking",
    "hope",
    "want",
    "look",
    "try|tries,tried,trying",
    "attempt",
    "poised|poised",
    "set|set",
    "ready|ready",
    "designed|designed",
    "built|built",
    "positioned|positioned",
)


def hedge_reason(trigger: Token, intent_ok: bool = False, max_steps: int = 8) -> str | None:
    """Why the relation stated at `trigger` is not asserted, or None. With `intent_ok`
    (competition), intent governors such as "aims to" do not hedge."""
    if not is_verb(trigger):
        reason = _nominal_hedge(trigger)
        # Rivals named as the object of a plan ("needs to fend off rivals like X") are rivals.
        if reason is None and not intent_ok and _indefinite_object(trigger):
            reason = hedge_reason(trigger.head, intent_ok, max_steps)
        return reason
    tok = trigger
    with_negation = True
    for _ in range(max_steps):
        reason = _own_hedge(tok, with_negation)
        if reason:
            return reason
        head, dep = tok.head, tok.dep_
        if head.i == tok.i:
            return None
        w = _w(head)
        with_negation = True
        if dep == "xcomp":
            if w in HEDGE_GOVERNORS and not (intent_ok and w in INTENT_GOVERNORS):
                return f"governed by '{head.text}'"
            if not is_verb(head):
                return f"governed by '{head.text}'" if w in HEDGE_NOUNS else None
        elif dep == "ccomp":
            if w in REPORT_GOVERNORS or w in HEDGE_NOUNS:
                return f"complement of '{head.text}'"
            if not is_verb(head):
                return None
        elif dep == "conj":
            if _own_subject(tok) is not None or tok.tag_ in ("VBD", "VBZ", "VBP"):
                return None  # a finite or independent conjunct keeps its own modality
            if any(c.dep_ == "cc" and _w(c) in ("but", "yet") for c in head.children):
                with_negation = False
        elif dep in ("acl", "relcl", "pcomp"):
            return _noun_governor(tok)
        else:
            return None
        tok = head
    return None


def _indefinite_object(noun: Token) -> bool:
    """'could form a partnership': an indefinite direct object shares its verb's modality
    ('could complete its acquisition' does not: that deal exists)."""
    if noun.dep_ != "dobj" or not is_verb(noun.head):
        return False
    dets = [c for c in noun.children if c.dep_ in ("det", "poss")]
    return bool(dets) and all(_w(d) in ("a", "an", "another") for d in dets)


def _noun_governor(tok: Token) -> str | None:
    """A clause hanging from a noun or preposition: 'talks to buy', 'without buying'."""
    head = tok.head
    if tok.dep_ == "pcomp":
        if _w(head) in NEGATING_PREPS:
            return f"negated by '{head.text}'"
        head = head.head
    if tok.dep_ != "relcl" and _w(head) in HEDGE_NOUNS:
        return f"complement of '{head.text}'"
    return None


def _nominal_hedge(noun: Token) -> str | None:
    """A nominal trigger: hedging modifiers, or a phrase like 'talks over the deal'."""
    for c in noun.children:
        if c.dep_ in ("amod", "compound", "advmod") and _w(c) in HEDGE_NOUN_MODIFIERS:
            return f"modifier '{c.text}'"
    head = noun.head
    for _ in range(2):
        if head.dep_ == "prep" or noun.dep_ == "pobj":
            head = head.head
        if _w(head) in ("talks", "negotiations", "discussions", "rumors", "rumours", "bid"):
            return f"under '{head.text}'"
    return None


# ------------------------------------------------------------------------------ roles

# Dependencies inside one noun phrase: "Alphabet's Google", "A, B and C", "startup X".
NP_DEPS = frozenset({"compound", "conj", "appos", "poss", "nmod", "amod", "cc", "punct", "flat"})
# Verbs whose clause, hanging from a group's founders, states membership ("banded together to
# create X", "joined startups that formed X").
FOUNDING_VERBS = _forms("create", "form", "found", "launch", "establish", "start")
RELATIVE_PRONOUNS = frozenset({"that", "which", "who", "whom", "whose"})


def _np_top(tok: Token) -> Token:
    """The head of the noun phrase `tok` belongs to (climbing lists, appositions, compounds)."""
    cur = tok
    for _ in range(40):
        if cur.dep_ not in NP_DEPS or cur.head.i == cur.i:
            break
        cur = cur.head
    return cur


def _chain(trigger: Token) -> list[Token]:
    """The trigger and the verbs that govern it through complements ('said it bought',
    'agreed to buy', 'helps X compete'), up to the first clause with its own subject."""
    out = [trigger]
    cur = trigger
    for _ in range(6):
        if _own_subject(cur) is not None or cur.head.i == cur.i:
            break
        if cur.dep_ not in ("xcomp", "ccomp", "conj", "advcl", "pcomp", "prep", "acl"):
            break
        cur = cur.head
        out.append(cur)
    return out


def explicit_subject(verb: Token) -> Token | None:
    """The nominal subject of `verb`'s clause (through 'said it', 'agreed to'), if any."""
    return _explicit_subject(_chain(verb))


def _explicit_subject(chain: list[Token]) -> Token | None:
    """The first nominal subject along the chain (pronouns and relative pronouns excepted)."""
    for verb in chain:
        subj = _own_subject(verb)
        if subj is not None:
            if subj.tag_ in ("PRP", "WDT", "WP", "EX", "DT") or subj.lower_ in RELATIVE_PRONOUNS:
                return None
            return subj
    return None


def is_clausal(trigger: Token) -> bool:
    """A verb heading a clause, not a participle inside a noun phrase ('Microsoft-backed')."""
    if not is_verb(trigger) or trigger.dep_ in ("amod", "compound", "npadvmod", "nmod"):
        return False
    doc = trigger.doc
    return not (trigger.i > 0 and doc[trigger.i - 1].text in ("-", "\u2013", "\u2014"))


def governing_verb(trigger: Token) -> Token | None:
    """The verb whose clause holds a nominal trigger ('announced a partnership with Y',
    'faces competition from Y', 'in collaboration with Y, launched'); the trigger itself
    when it is a clausal verb."""
    if is_clausal(trigger):
        return trigger
    cur = trigger
    for _ in range(6):
        if cur.dep_ not in (
            "dobj",
            "pobj",
            "prep",
            "attr",
            "appos",
            "conj",
            "compound",
            "npadvmod",
        ):
            return None
        cur = cur.head
        if is_verb(cur):
            return cur if is_finite_clause(cur) else None
    return None


def subject_reason(ent: Token, trigger: Token, inside: set[int]) -> str | None:
    """A mention before the trigger is dropped only on positive evidence: the trigger's clause
    has another nominal subject and the mention is neither that subject nor the noun that the
    trigger's clause modifies."""
    chain = _chain(trigger)
    chain_ids = {t.i for t in chain} | inside
    top = _np_top(ent)
    if top.dep_ in SUBJ_DEPS and top.head.i in chain_ids:
        return None
    if top.dep_ in SUBJ_DEPS and top.head.i in {t.i for t in trigger.ancestors}:
        return None  # subject of a verb above the trigger (tolerates coordination errors)
    if top.dep_ in ("dobj", "dative") and top.head.i in chain_ids:
        return None  # object control: "has Twilio using", "helps X compete"
    # "X, which bought Y" / "firms like X challenging Y": the clause modifies the mention.
    ancestors = {t.i for t in ent.ancestors} | {ent.i}
    if any(t.dep_ in ("relcl", "acl") and t.head.i in ancestors for t in chain):
        return None
    if _co_agent(ent, chain_ids):
        return None
    subj = _explicit_subject(chain)
    if subj is None or _in_phrase(ent, subj):
        return None
    return f"the subject of '{subj.head.text}' is '{subj.text}'"


def _in_phrase(ent: Token, phrase: Token) -> bool:
    """Whether `ent` belongs to the phrase headed by `phrase` outside any clause in it
    ('the arm of X' yes; 'Y, whose chips power X' no)."""
    cur = ent
    for _ in range(60):
        if cur.i == phrase.i:
            return True
        if is_verb(cur) and cur.dep_ in CLAUSE_DEPS:
            return False
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


CO_AGENT_WORDS = frozenset(
    {"with", "alongside", "along", "together", "collaboration", "partnership", "conjunction"}
)


def _co_agent(ent: Token, chain_ids: set[int]) -> bool:
    """'X, in collaboration with Y, launched': Y acts together with the subject."""
    for t in ent.ancestors:
        if t.i in chain_ids:
            return False
        if t.lower_ in CO_AGENT_WORDS:
            return True
    return False


def is_finite_clause(verb: Token) -> bool:
    """A verb with a clause of its own: finite, or with an auxiliary, subject or marker
    (so a noun the tagger took for a verb, as in 'AI startup X', does not count)."""
    if not is_verb(verb):
        return False
    if verb.tag_ in ("VBD", "VBZ", "VBP", "MD"):
        return True
    deps = {c.dep_ for c in verb.children}
    return bool(deps & {"aux", "auxpass", "mark", "agent"})


def object_reason(
    ent: Token,
    trigger: Token,
    inside: set[int],
    membership: bool = False,
    content: bool = False,
) -> str | None:
    """A mention after the trigger is dropped when it sits inside a verb clause below the
    trigger (a purpose clause, a relative clause). With `content` (probes, suits), such a
    clause may state what the target did ("an investigation into allegations X shared data").

    Being the subject of some other clause is no evidence here: on the corpus sample the
    parser's coordination errors ("bought A and B went public" read as a joint subject)
    made that test drop more right claims than wrong ones; so the mention must sit in the
    other clause's complements, not its subject."""
    if content:
        return None
    path: list[Token] = []
    cur = ent
    for _ in range(60):
        if cur.i in inside or cur.i == trigger.i:
            break
        path.append(cur)
        if cur.head.i == cur.i:
            return None  # not under the trigger: no evidence either way
        cur = cur.head
    if membership and any(t.lower_ in FOUNDING_VERBS for t in path):
        return None  # "joined startups that banded together to create X"
    for below, t in zip(path, path[1:], strict=False):
        if not is_finite_clause(t) or below.dep_ in SUBJ_DEPS:
            continue  # entering a clause as its subject: see the docstring
        if t.dep_ == "acl" and t.lower_ in NAMING_VERBS:
            continue
        if t.dep_ in CLAUSE_DEPS or (t.dep_ == "conj" and _own_subject(t) is not None):
            return f"object inside the clause of '{t.text}'"
    return None
