#!/usr/bin/env python3
"""Write N synthetic Kubernetes manifests for Modelwarden benchmarks.

    python3 Benchmarks/generate.py N OUTDIR [--seed S]

Every file has two YAML documents: a Deployment (a vLLM, TGI or Ollama model server, or an
application that calls an external model API through environment variables) followed by a
Service or a ConfigMap. Files go to OUTDIR/batch-0000/, OUTDIR/batch-0001/, ... with 500 files
per folder.

The output is deterministic: file i depends only on (seed, i), so the first 1,000 files of a
10,000-file set are the 1,000-file set. Roughly a quarter of the files carry findings on purpose
(Llama/Qwen/Gemma without a modelwarden.io/attribution label, Ollama pulls without a tag or with
:latest, API aliases without a date, confidential workloads calling an API without a
zero-retention agreement).
"""

from __future__ import annotations

import argparse
import os
import random
import sys

FILES_PER_FOLDER = 500

# Self-hosted Hugging Face ids: (id, attribution that its licence asks for, or None).
HF_MODELS = [
    ("meta-llama/Llama-3.1-8B-Instruct", "Built with Llama"),
    ("meta-llama/Llama-3.1-70B-Instruct", "Built with Llama"),
    ("meta-llama/Llama-3.2-3B-Instruct", "Built with Llama"),
    ("meta-llama/Llama-3.3-70B-Instruct", "Built with Llama"),
    ("meta-llama/Meta-Llama-3-8B-Instruct", "Built with Meta Llama 3"),
    ("mistralai/Mixtral-8x7B-Instruct-v0.1", None),
    ("mistralai/Mistral-7B-Instruct-v0.3", None),
    ("mistralai/Mistral-Nemo-Instruct-2407", None),
    ("Qwen/Qwen2.5-7B-Instruct", None),
    ("Qwen/Qwen2.5-14B-Instruct", None),
    ("Qwen/Qwen2.5-72B-Instruct", "Built with Qwen"),
    ("Qwen/Qwen2.5-Coder-7B-Instruct", None),
    ("google/gemma-2-9b-it", None),
    ("google/gemma-2-27b-it", None),
    ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "Built with Llama"),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", None),
    ("microsoft/Phi-3.5-mini-instruct", None),
    ("ibm-granite/granite-3.1-8b-instruct", None),
]

# Ollama tags: (tag, attribution or None, pinned?).
OLLAMA_MODELS = [
    ("llama3.1:8b", "Built with Llama", True),
    ("llama3.1:8b-instruct-q4_K_M", "Built with Llama", True),
    ("llama3.2:3b", "Built with Llama", True),
    ("qwen2.5:7b", None, True),
    ("qwen2.5-coder:7b", None, True),
    ("mistral:7b-instruct-v0.3-q4_K_M", None, True),
    ("gemma2:9b", None, True),
    ("phi3.5:3.8b", None, True),
    ("deepseek-r1:8b", "Built with Llama", True),
    # Unpinned on purpose: inventory/unpinned-model.
    ("llama3", "Built with Meta Llama 3", False),
    ("mistral", None, False),
    ("qwen2.5:latest", None, False),
]

# External APIs: (provider key, model env var, key env var, base-url env var, base URL, models).
API_PROVIDERS = [
    ("openai", "OPENAI_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1",
     ["gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "gpt-4o-2024-11-20", "gpt-4o"]),
    ("anthropic", "ANTHROPIC_MODEL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com",
     ["claude-3-5-sonnet-20241022", "claude-3-5-haiku-20241022", "claude-3-opus-20240229"]),
    ("mistral", "MISTRAL_MODEL", "MISTRAL_API_KEY", "MISTRAL_BASE_URL", "https://api.mistral.ai/v1",
     ["mistral-large-2411", "mistral-small-2409"]),
    ("gemini", "GEMINI_MODEL", "GEMINI_API_KEY", "GEMINI_BASE_URL", "https://generativelanguage.googleapis.com",
     ["gemini-1.5-flash-002", "gemini-1.5-pro-002"]),
]

TEAMS = ["ml-platform", "search-relevance", "support-ai", "routing", "warehouse-it", "merchants",
         "marketing-tech", "parcels", "returns", "catalog", "dev-productivity", "finance-ops"]
PRODUCTS = ["frachtwerk-shop", "parcel-tracking", "customer-support", "merchant-portal",
            "driver-app", "warehouse-ops", "dev-platform"]
PURPOSES = ["assistant", "summariser", "classifier", "extractor", "copywriter", "router", "ranker",
            "explainer", "drafts", "triage", "translator", "qa", "tagger", "chat"]
ENVS = ["prod", "prod", "prod", "staging", "dev"]
CLASSES = ["public", "internal", "internal", "confidential", "restricted"]
GPUS = ["NVIDIA-L40S", "NVIDIA-A100-SXM4-80GB", "NVIDIA-H100-80GB-HBM3", "NVIDIA-L4"]
VLLM_TAGS = ["v0.6.3", "v0.6.4.post1", "v0.6.6.post1", "v0.7.2"]
TGI_TAGS = ["2.3.1", "2.4.0", "3.0.1"]
OLLAMA_TAGS = ["0.4.7", "0.5.4", "0.5.7"]


def q(text: str) -> str:
    """Double-quote a YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def labels_block(indent: int, pairs: list[tuple[str, str]]) -> str:
    pad = " " * indent
    return "".join(f"{pad}{k}: {v}\n" for k, v in pairs)


def resources(rng: random.Random, gpu: bool) -> str:
    if gpu:
        cpu = rng.choice(["2", "4", "8"])
        mem = rng.choice(["16Gi", "32Gi", "64Gi"])
        lim = {"16Gi": "24Gi", "32Gi": "48Gi", "64Gi": "96Gi"}[mem]
        n = rng.choice(["1", "1", "2", "4"])
        return (
            "          resources:\n"
            "            requests:\n"
            f"              cpu: {q(cpu)}\n"
            f"              memory: {mem}\n"
            f"              nvidia.com/gpu: {q(n)}\n"
            "            limits:\n"
            f"              memory: {lim}\n"
            f"              nvidia.com/gpu: {q(n)}\n"
        )
    cpu = rng.choice(["100m", "250m", "500m", "1"])
    mem = rng.choice(["256Mi", "512Mi", "1Gi"])
    return (
        "          resources:\n"
        "            requests:\n"
        f"              cpu: {cpu}\n"
        f"              memory: {mem}\n"
        "            limits:\n"
        f"              memory: {mem}\n"
    )


def probes(rng: random.Random, path: str, delay: int) -> str:
    return (
        "          readinessProbe:\n"
        "            httpGet:\n"
        f"              path: {path}\n"
        "              port: http\n"
        f"            initialDelaySeconds: {delay}\n"
        "            periodSeconds: 10\n"
        "          livenessProbe:\n"
        "            httpGet:\n"
        f"              path: {path}\n"
        "              port: http\n"
        f"            initialDelaySeconds: {delay * 4}\n"
        f"            periodSeconds: {rng.choice([20, 30])}\n"
    )


def metadata(name: str, ns: str, team: str, product: str, cls: str, personal: bool,
             attribution: str | None, component: str, version: str) -> str:
    pairs = [
        ("app.kubernetes.io/name", name),
        ("app.kubernetes.io/component", component),
        ("app.kubernetes.io/part-of", product),
        ("app.kubernetes.io/version", q(version)),
        ("team", team),
        ("modelwarden.io/data-classification", cls),
        ("modelwarden.io/personal-data", q("true" if personal else "false")),
        ("modelwarden.io/product", product),
    ]
    if attribution:
        pairs.append(("modelwarden.io/attribution", q(attribution)))
    return (
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        f"  name: {name}\n"
        f"  namespace: {ns}\n"
        "  labels:\n" + labels_block(4, pairs)
    )


def spec_head(rng: random.Random, name: str, replicas: int) -> str:
    return (
        "spec:\n"
        f"  replicas: {replicas}\n"
        f"  revisionHistoryLimit: {rng.choice([3, 5, 10])}\n"
        "  selector:\n"
        "    matchLabels:\n"
        f"      app.kubernetes.io/name: {name}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels:\n"
        f"        app.kubernetes.io/name: {name}\n"
        "      annotations:\n"
        "        prometheus.io/scrape: \"true\"\n"
        f"        prometheus.io/port: \"{rng.choice([8000, 8080, 9090])}\"\n"
        "    spec:\n"
    )


def service(name: str, ns: str, port: int) -> str:
    return (
        "---\n"
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        f"  name: {name}\n"
        f"  namespace: {ns}\n"
        "  labels:\n"
        f"    app.kubernetes.io/name: {name}\n"
        "spec:\n"
        "  type: ClusterIP\n"
        "  selector:\n"
        f"    app.kubernetes.io/name: {name}\n"
        "  ports:\n"
        "    - name: http\n"
        f"      port: {port}\n"
        "      targetPort: http\n"
        "      protocol: TCP\n"
    )


def attribution_for(rng: random.Random, needed: str | None) -> str | None:
    """The attribution label a file declares: usually the one needed, sometimes none (a finding)."""
    if needed is None:
        return None if rng.random() < 0.8 else "Built with Llama"
    return needed if rng.random() < 0.7 else None


def self_hosted(rng: random.Random, i: int, kind: str) -> str:
    team = rng.choice(TEAMS)
    env = rng.choice(ENVS)
    ns = f"{team}-{env}"
    product = rng.choice(PRODUCTS)
    cls = rng.choice(CLASSES[:3])
    version = f"{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
    gpu = rng.choice(GPUS)

    if kind == "ollama":
        model, needed, _pinned = rng.choice(OLLAMA_MODELS)
        base = model.split(":")[0].replace(".", "")
    else:
        model, needed = rng.choice(HF_MODELS)
        base = model.split("/")[1].lower().replace(".", "")[:24].strip("-")
    name = f"{kind}-{base}-{i:05d}"
    attribution = attribution_for(rng, needed)

    out = metadata(name, ns, team, product, cls, False, attribution, "inference", version)
    out += spec_head(rng, name, rng.choice([1, 1, 2, 3]))
    out += (
        "      nodeSelector:\n"
        f"        nvidia.com/gpu.product: {gpu}\n"
        "      tolerations:\n"
        "        - key: nvidia.com/gpu\n"
        "          operator: Exists\n"
        "          effect: NoSchedule\n"
        "      containers:\n"
    )
    if kind == "vllm":
        port = 8000
        style = rng.randrange(3)
        out += (
            "        - name: vllm\n"
            f"          image: vllm/vllm-openai:{rng.choice(VLLM_TAGS)}\n"
        )
        if style == 0:
            out += (
                "          args:\n"
                f"            - --model={model}\n"
                f"            - --served-model-name={name}\n"
                f"            - --max-model-len={rng.choice([4096, 8192, 16384, 32768])}\n"
                f"            - --gpu-memory-utilization={rng.choice(['0.85', '0.90', '0.95'])}\n"
                "            - --port=8000\n"
            )
        elif style == 1:
            out += (
                f"          args: [\"--model\", \"{model}\", \"--tensor-parallel-size\", \"{rng.choice([1, 2, 4])}\", \"--port\", \"8000\"]\n"
            )
        else:
            out += (
                f"          command: [\"vllm\", \"serve\", \"{model}\", \"--port\", \"8000\"]\n"
            )
        out += (
            "          env:\n"
            "            - name: HF_HOME\n"
            "              value: /models/hf\n"
            "            - name: HF_HUB_OFFLINE\n"
            "              value: \"1\"\n"
            "            - name: VLLM_LOGGING_LEVEL\n"
            "              value: INFO\n"
        )
        health = "/health"
    elif kind == "tgi":
        port = 8080
        out += (
            "        - name: tgi\n"
            f"          image: ghcr.io/huggingface/text-generation-inference:{rng.choice(TGI_TAGS)}\n"
            "          args:\n"
            "            - --model-id\n"
            f"            - {model}\n"
            "            - --max-input-tokens\n"
            f"            - \"{rng.choice([2048, 4096, 8000])}\"\n"
            "            - --max-total-tokens\n"
            f"            - \"{rng.choice([4096, 8192])}\"\n"
            "            - --port\n"
            "            - \"8080\"\n"
            "          env:\n"
            "            - name: HUGGINGFACE_HUB_CACHE\n"
            "              value: /data\n"
            "            - name: HF_TOKEN\n"
            "              valueFrom:\n"
            "                secretKeyRef:\n"
            "                  name: hf-token\n"
            "                  key: token\n"
        )
        health = "/health"
    else:
        port = 11434
        out += (
            "        - name: ollama\n"
            f"          image: ollama/ollama:{rng.choice(OLLAMA_TAGS)}\n"
            "          env:\n"
            "            - name: OLLAMA_HOST\n"
            "              value: 0.0.0.0:11434\n"
            "            - name: OLLAMA_KEEP_ALIVE\n"
            f"              value: {rng.choice(['5m', '1h', '24h'])}\n"
        )
        if rng.random() < 0.5:
            # Pull from a postStart hook once the server answers.
            out += (
                "          lifecycle:\n"
                "            postStart:\n"
                "              exec:\n"
                f"                command: [\"/bin/sh\", \"-c\", \"until ollama list >/dev/null 2>&1; do sleep 2; done; ollama pull {model}\"]\n"
            )
        else:
            # Serve and pull from the container's own command.
            out += (
                f"          command: [\"/bin/sh\", \"-c\", \"ollama serve & sleep 5 && ollama pull {model} && wait\"]\n"
            )
        health = "/api/tags"
    out += (
        "          ports:\n"
        "            - name: http\n"
        f"              containerPort: {port}\n"
    )
    out += resources(rng, True)
    out += probes(rng, health, rng.choice([10, 30, 60]))
    out += (
        "          volumeMounts:\n"
        "            - name: models\n"
        f"              mountPath: {'/root/.ollama' if kind == 'ollama' else '/models' if kind == 'vllm' else '/data'}\n"
        "      volumes:\n"
        "        - name: models\n"
        "          persistentVolumeClaim:\n"
        f"            claimName: {name}-models\n"
    )
    out += service(name, ns, port)
    return out


def api_client(rng: random.Random, i: int) -> str:
    provider, model_var, key_var, url_var, url, models = rng.choices(
        API_PROVIDERS, weights=[5, 4, 1, 1])[0]
    model = rng.choice(models)
    team = rng.choice(TEAMS)
    env = rng.choice(ENVS)
    ns = f"{team}-{env}"
    product = rng.choice(PRODUCTS)
    cls = rng.choice(CLASSES)
    personal = cls in ("confidential", "restricted") and rng.random() < 0.6
    purpose = rng.choice(PURPOSES)
    name = f"{team.split('-')[0]}-{purpose}-{i:05d}"
    version = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
    via_configmap = rng.random() < 0.4
    cm_name = f"{name}-llm"

    out = metadata(name, ns, team, product, cls, personal, None, "api", version)
    out += spec_head(rng, name, rng.choice([2, 3, 4, 6]))
    out += (
        f"      serviceAccountName: {name}\n"
        "      securityContext:\n"
        "        runAsNonRoot: true\n"
        "        runAsUser: 10001\n"
        "        fsGroup: 10001\n"
        "      containers:\n"
        "        - name: app\n"
        f"          image: registry.frachtwerk.eu/{team}/{purpose}:{version}\n"
        "          imagePullPolicy: IfNotPresent\n"
        "          ports:\n"
        "            - name: http\n"
        "              containerPort: 8080\n"
        "            - name: metrics\n"
        "              containerPort: 9090\n"
        "          env:\n"
        f"            - name: {key_var}\n"
        "              valueFrom:\n"
        "                secretKeyRef:\n"
        f"                  name: {provider}-api\n"
        "                  key: api-key\n"
    )
    if via_configmap:
        out += (
            f"            - name: {model_var}\n"
            "              valueFrom:\n"
            "                configMapKeyRef:\n"
            f"                  name: {cm_name}\n"
            f"                  key: {model_var}\n"
            f"            - name: {url_var}\n"
            "              valueFrom:\n"
            "                configMapKeyRef:\n"
            f"                  name: {cm_name}\n"
            f"                  key: {url_var}\n"
        )
    else:
        out += (
            f"            - name: {model_var}\n"
            f"              value: {model}\n"
            f"            - name: {url_var}\n"
            f"              value: {url}\n"
        )
    out += (
        "            - name: LLM_TIMEOUT_SECONDS\n"
        f"              value: \"{rng.choice([30, 60, 120])}\"\n"
        "            - name: OTEL_EXPORTER_OTLP_ENDPOINT\n"
        "              value: http://otel-collector.observability.svc.cluster.local:4317\n"
        "            - name: LOG_LEVEL\n"
        f"              value: {rng.choice(['info', 'warn', 'debug'])}\n"
    )
    out += resources(rng, False)
    out += probes(rng, "/healthz", rng.choice([5, 10, 20]))
    if via_configmap:
        out += (
            "---\n"
            "apiVersion: v1\n"
            "kind: ConfigMap\n"
            "metadata:\n"
            f"  name: {cm_name}\n"
            f"  namespace: {ns}\n"
            "  labels:\n"
            f"    app.kubernetes.io/name: {name}\n"
            "data:\n"
            f"  {model_var}: {model}\n"
            f"  {url_var}: {url}\n"
            f"  MAX_OUTPUT_TOKENS: \"{rng.choice([512, 1024, 2048, 4096])}\"\n"
            f"  TEMPERATURE: \"{rng.choice(['0.0', '0.2', '0.7'])}\"\n"
        )
    else:
        out += service(name, ns, 80)
    return out


def manifest(seed: int, i: int) -> str:
    rng = random.Random(f"modelwarden-bench-{seed}-{i}")
    kind = rng.choices(["vllm", "tgi", "ollama", "api"], weights=[30, 15, 15, 40])[0]
    header = f"# Synthetic benchmark manifest {i:05d} (seed {seed}, kind {kind}); generated by Benchmarks/generate.py\n"
    body = api_client(rng, i) if kind == "api" else self_hosted(rng, i, kind)
    return header + body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of files")
    parser.add_argument("outdir", help="output folder (created; existing batch-* files are overwritten)")
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    if args.n < 0:
        parser.error("N must be >= 0")

    total_bytes = 0
    for i in range(args.n):
        folder = os.path.join(args.outdir, f"batch-{i // FILES_PER_FOLDER:04d}")
        if i % FILES_PER_FOLDER == 0:
            os.makedirs(folder, exist_ok=True)
        text = manifest(args.seed, i)
        total_bytes += len(text.encode())
        with open(os.path.join(folder, f"manifest-{i:05d}.yaml"), "w", encoding="utf-8") as fh:
            fh.write(text)
    print(f"generated {args.n} files ({total_bytes} bytes) in {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
