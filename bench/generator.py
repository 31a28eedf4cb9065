"""Generation speed: our streaming decode loop vs transformers' generate, same prompt, same model.

Run: .venv/bin/python bench/generator.py   (needs the safetensors cache: `manage.py prepare_models`)
Last line: one JSON object of figures.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from interviewer.generator import GenerationConfig, GroundingFact, PromptInputs, load_generator  # noqa: E402
from interviewer.vocabulary import Act  # noqa: E402

NEW_TOKENS = 40
ROUNDS = 3
INPUTS = PromptInputs(
    job_title="Senior Platform Engineer",
    company="Quillstone Payments",
    stage=Act.REQUIREMENT_PROBE,
    facts=[
        GroundingFact("job", "Hands-on experience running production Kubernetes clusters, including upgrades"),
        GroundingFact("resume", "Migrated 40 services from VMs to EKS with zero customer-facing downtime"),
    ],
    history=[
        ("interviewer", "Thanks for joining. Could you walk me through your background?"),
        ("candidate", "I've spent six years on platform teams, mostly AWS, Terraform and Kubernetes."),
    ],
)


def main() -> None:
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    model_dir = Path(os.getenv("MODEL_DIR", ROOT / "var" / "models"))
    started = time.perf_counter()
    generator = load_generator(model_dir, config=GenerationConfig(max_new_tokens=NEW_TOKENS, repetition_penalty=1.0))
    load_s = time.perf_counter() - started
    ids = torch.tensor([generator.prompt_ids(INPUTS)])
    generator.stop_ids = set()  # decode exactly NEW_TOKENS tokens in both paths

    ours, first_token, theirs = [], [], []
    for _ in range(ROUNDS):
        t = time.perf_counter()
        count = 0
        for count, _piece in enumerate(generator.stream(INPUTS), start=1):
            if count == 1:
                first_token.append(time.perf_counter() - t)
        ours.append(count / (time.perf_counter() - t))
        t = time.perf_counter()
        with torch.inference_mode():
            out = generator.model.generate(ids, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, do_sample=False)
        theirs.append((out.shape[1] - ids.shape[1]) / (time.perf_counter() - t))

    figures = {
        "load_from_cache_s": round(load_s, 2),
        "prompt_tokens": int(ids.shape[1]),
        "stream_pieces_per_s": round(statistics.median(ours), 1),
        "first_piece_ms": round(1000 * statistics.median(first_token), 1),
        "hf_generate_tokens_per_s": round(statistics.median(theirs), 1),
        "threads": torch.get_num_threads(),
    }
    print(f"load from the safetensors cache: {figures['load_from_cache_s']} s")
    print(
        f"our stream loop: {figures['stream_pieces_per_s']} pieces/s, first piece after {figures['first_piece_ms']} ms"
    )
    print(f"transformers generate: {figures['hf_generate_tokens_per_s']} tokens/s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
