"""Cut a long document into overlapping chunks at sentence boundaries, so each request fits
the model's context and a relation stated across a cut is still read whole in one chunk."""

from __future__ import annotations

from dataclasses import dataclass

from alliancemap.extract.sentences import split_sentences


@dataclass(frozen=True, slots=True)
class Chunk:
    """text == document_text[start:end]."""

    start: int
    end: int
    text: str


def chunks(text: str, max_chars: int, overlap: int = 2) -> list[Chunk]:
    """Pieces of at most `max_chars` (a longer sentence is a piece of its own), each starting
    `overlap` sentences before the previous one ended."""
    if len(text) <= max_chars:
        return [Chunk(0, len(text), text)]
    sentences = split_sentences(text)
    if not sentences:
        return [Chunk(0, len(text), text)]
    out: list[Chunk] = []
    i = 0
    while i < len(sentences):
        j = i + 1
        while j < len(sentences) and sentences[j].end - sentences[i].start <= max_chars:
            j += 1
        start, end = sentences[i].start, sentences[j - 1].end
        out.append(Chunk(start, end, text[start:end]))
        if j >= len(sentences):
            break
        i = max(i + 1, j - overlap)
    return out
