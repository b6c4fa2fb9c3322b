"""A relation extractor that learns from annotated passages instead of hand-written patterns.

One module per job: `tokens` (offset tokenizer), `goldspans` (gold mentions and evidence in
text), `tagger` (CRF organization recogniser), `mentions` (a document's organization
mentions), `candidates` (pairs worth classifying), `pair_features`, `labels`,
`relation_model` (hashed multinomial logistic regression), `examples` (training pairs from
gold), `training` (the `train` pipeline and cross-validation), `model_dir` (files and
manifest) and `extractor` (the registered `learned` extractor).
"""

from alliancemap.extract.learned.extractor import LearnedExtractor

__all__ = ["LearnedExtractor"]
