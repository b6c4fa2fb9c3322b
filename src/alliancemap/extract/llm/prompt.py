"""What the model is told: the relation types, their directions, what counts, and the answer
format. Changing the instructions means a new PROMPT_VERSION: it is part of every claim's
extractor name and of the cache key, so old answers are never mistaken for new ones."""

from __future__ import annotations

import json
from typing import Any

from alliancemap.model import EntityType, RelationType

PROMPT_VERSION = "p1"

INSTRUCTIONS = """\
You read one news passage about the technology industry and list the business relations \
between organizations that the passage states as fact.

Relation types (use exactly these names; subject -> object):
- partnership (either order): a strategic partnership, collaboration, alliance, joint venture, \
co-development or joint research between the two.
- investment (investor -> company invested in): an equity stake, taking part in a funding \
round, a strategic investment. "X-backed Y" means X invested in Y.
- acquisition (buyer -> company or unit bought): an acquisition or merger, including a deal \
announced or agreed and waiting for approval.
- supply (provider -> customer): the provider sells or provides compute, chips, cloud, \
models, data or technology to the customer; licensing (licensor -> licensee); a customer \
using or integrating the provider's product ("X integrates Y's model" is Y -> X).
- membership (member -> group): a member or founding member of, or joining, a named \
consortium, forum, alliance, standards body or startup programme.
- competition (either order): the passage presents them as rivals or competitors, racing or \
taking each other on, or pitches one's product against the other's.
- litigation (plaintiff -> defendant): a lawsuit, a legal action, or a complaint filed in \
court or with a regulator; an appeal against a regulator's fine.
- investigation (regulator or government body -> organization investigated): a probe, \
inquiry or investigation that has been opened or is ongoing.

What to list:
- Only what the passage asserts as fact in its own voice or in the words of the parties: \
done, announced, agreed, ongoing, or past and over (then "ended": true).
- Leave out talks, rumours, plans, bids that were not accepted, things being considered or \
explored, denials, negations, predictions and anything that "could", "may" or "would" \
happen. Leave out what rests only on anonymous sources or on another outlet's report \
("reportedly", "according to people familiar"). A completed fact mentioned in passing \
inside such a sentence still counts. Leave out deals called off or blocked before closing.
- Both ends must be organizations named in the passage (companies, labs, universities, \
non-profits, consortia, government bodies, regulators). People never take part; neither do \
unnamed groups ("U.S. officials", "a group of artists"). A law firm acting as counsel is \
not a party.
- A product stands for the company that owns it when the passage names that company: \
"OpenAI's GPT-4 now powers Microsoft's Copilot" is OpenAI -> Microsoft supply.
- A parent and its unit are different organizations (Google and Google Cloud, Amazon and \
AWS, a company and its venture arm). Owning a subsidiary is not an acquisition; only buying \
it is.
- A deal called a partnership in which one side also provides technology is both a \
partnership and a supply. Retail and distribution deals are partnerships only. Trials, \
pilots and tests are not supply.
- Founding or joining a named group is membership of each member, with no partnerships \
among the members. Founding an unnamed joint effort together, or jointly backing an \
open-source project, is a partnership between each pair.
- Competition needs an explicit cue of rivalry; products or companies merely listed side by \
side, market-share rankings and hedged comparisons are not competition.
- A suit brought by a regulator is litigation; it is an investigation only when a probe or \
inquiry is stated. Requested or possible probes do not count.
- Statements about several parties become pairs: every named investor in a round gets its \
own investment; a three-way partnership is three partnerships. Donations and grants are not \
investments, and people or unnamed backers are not investors.
- List each (subject, object, type) once.

Fields:
- "date": when the relation began or was announced, as "YYYY", "YYYY-MM" or "YYYY-MM-DD", \
only as precise as the passage allows. Resolve relative dates ("today", "last year", "in \
May") against the publication date given; "today" and news leads take the publication date. \
null when the passage gives no date. Competition gets a date only when the passage dates it.
- "evidence": the sentence (or two adjacent sentences) that states the relation, copied \
exactly, character for character, from the passage.
- "confidence": how sure you are, from 0 to 1.
- "entities": every organization, product, person and regulation the passage names, each \
with "type" (organization, product, person or regulation) and "aliases": the other forms \
of its name used in the passage. Use the fullest form in the passage as "name", and use \
these names as subject and object.

Answer with one JSON object and nothing else:
{"entities": [{"name": "...", "type": "organization", "aliases": []}],
 "relations": [{"subject": "...", "object": "...", "type": "investment", "date": null,
                "evidence": "...", "ended": false, "confidence": 0.9}]}
If the passage states no relation, answer {"entities": [...], "relations": []}."""


def messages(text: str, published: str | None) -> list[dict[str, str]]:
    """The chat messages for one passage."""
    user = f"Publication date: {published or 'unknown'}\n\nPassage:\n{text}"
    return [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": user}]


def answer_schema() -> dict[str, Any]:
    """The JSON schema of an answer, for servers that constrain their output to a schema."""
    entity = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "type": {"type": "string", "enum": [t.value for t in EntityType]},
            "aliases": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["name", "type", "aliases"],
        "additionalProperties": False,
    }
    relation = {
        "type": "object",
        "properties": {
            "subject": {"type": "string"},
            "object": {"type": "string"},
            "type": {"type": "string", "enum": [t.value for t in RelationType]},
            "date": {"type": ["string", "null"]},
            "evidence": {"type": "string"},
            "ended": {"type": "boolean"},
            "confidence": {"type": "number"},
        },
        "required": ["subject", "object", "type", "date", "evidence", "ended", "confidence"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "entities": {"type": "array", "items": entity},
            "relations": {"type": "array", "items": relation},
        },
        "required": ["entities", "relations"],
        "additionalProperties": False,
    }


def response_format() -> dict[str, Any]:
    """The `response_format` of a chat-completions request asking for the schema."""
    return {
        "type": "json_schema",
        "json_schema": {"name": "relations", "schema": answer_schema(), "strict": True},
    }


def cache_key(model: str, text: str, published: str | None) -> str:
    """Identity of one request's answer: model, prompt version and the text sent."""
    import hashlib

    blob = json.dumps([model, PROMPT_VERSION, published, text], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()
