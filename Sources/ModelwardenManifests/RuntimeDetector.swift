import Foundation
import ModelwardenCore

/// Recognises model servers from container images and commands, and the models they are told to serve.
enum RuntimeDetector {
    /// Image substrings, most specific first.
    static let imageHints: [(needle: String, runtime: String)] = [
        ("text-embeddings-inference", "tei"),
        ("text-generation-inference", "tgi"),
        ("nvcr.io/nim/", "nim"),
        ("vllm", "vllm"),
        ("sglang", "sglang"),
        ("ollama/ollama", "ollama"),
        ("localai", "localai"),
        ("local-ai", "localai"),
        ("llama.cpp", "llamacpp"),
        ("llama-cpp", "llamacpp"),
        ("llamacpp", "llamacpp"),
        ("kserve/huggingfaceserver", "kserve"),
        ("huggingfaceserver", "kserve"),
        // Servers with no runtime name of their own in the vocabulary: LMDeploy (TurboMind / PyTorch engines), Xinference,
        // TabbyAPI (ExLlamaV2/V3), Aphrodite (a vLLM fork). Not Triton: it serves vision and tabular models as often.
        ("lmdeploy", "unknown"),
        ("xprobe/xinference", "unknown"),
        ("tabbyapi", "unknown"),
        ("aphrodite-engine", "unknown"),
        ("alpindale/aphrodite", "unknown"),
    ]

    /// Words that mark a rebuild of a server image for a platform (`ollama-ubi9`, `ollama-rocm`, `ollama_cuda`), as
    /// opposed to a different program named after it (`ollama-webui`, `ollama-exporter`).
    static let buildVariants = ["ubi", "rhel", "rocm", "cuda", "cpu", "gpu", "intel", "ipex", "amd", "arm", "jetson", "vulkan",
                                "openvino", "alpine", "debian", "ubuntu", "server", "base", "nvidia", "linux"]

    static func isServerBuild(_ name: String, of server: String) -> Bool {
        for separator in ["-", "_"] where name.hasPrefix(server + separator) {
            let rest = name.dropFirst(server.count + 1)
            return buildVariants.contains { rest.hasPrefix($0) }
        }
        return false
    }

    static let commandHints: [(needle: String, runtime: String)] = [
        ("text-embeddings-router", "tei"),
        ("text-generation-launcher", "tgi"),
        ("sglang.launch_server", "sglang"),
        ("vllm serve", "vllm"),
        ("vllm.entrypoints", "vllm"),
        ("llama-server", "llamacpp"),
        ("llama.cpp", "llamacpp"),
        ("ollama serve", "ollama"),
        ("ollama pull", "ollama"),
        ("ollama run", "ollama"),
        ("local-ai", "localai"),
        ("huggingfaceserver", "kserve"),
        ("lmdeploy serve", "unknown"),
    ]

    static func runtime(image: String?, command: [String]) -> String? {
        if let image = image?.lowercased() {
            // Vision-task NIMs (OCR, page elements) serve no language model.
            if let hit = imageHints.first(where: { image.includes($0.needle) }) { return hit.runtime == "nim" && isVisionOnly(image) ? nil : hit.runtime }
            let name = imageName(image)
            if name == "ollama" || isServerBuild(name, of: "ollama") { return "ollama" }
        }
        let joined = command.joined(separator: " ").lowercased()
        return commandHints.first { joined.includes($0.needle) }?.runtime
    }

    /// An image's last path component without its tag (`ghcr.io/org/ollama:0.5` -> `ollama`), as `split` gives it;
    /// ASCII names (every image a container names) are read on their bytes, without arrays of components.
    static func imageName(_ image: String) -> String {
        guard image.utf8.allSatisfy({ $0 < 0x80 }) else { return imageNameBySplitting(image) }
        let utf8 = image.utf8, slash = UInt8(ascii: "/"), colon = UInt8(ascii: ":")
        var end = utf8.endIndex
        while end > utf8.startIndex && utf8[utf8.index(before: end)] == slash { end = utf8.index(before: end) }
        guard end > utf8.startIndex else { return image }
        var start = end
        while start > utf8.startIndex && utf8[utf8.index(before: start)] != slash { start = utf8.index(before: start) }
        var first = start
        while first < end && utf8[first] == colon { first = utf8.index(after: first) }
        guard first < end else { return String(image[start..<end]) }
        var last = first
        while last < end && utf8[last] != colon { last = utf8.index(after: last) }
        return String(image[first..<last])
    }

    static func imageNameBySplitting(_ image: String) -> String {
        image.split(separator: "/").last.map { String($0.split(separator: ":").first ?? $0) } ?? image
    }

    /// When no image, launcher or resource kind says it (a kustomize patch of the args): flags only one server has.
    static func runtime(flags command: [String]) -> String? {
        let flags = Set(command.flatMap { $0.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" }) }
            .map { $0.split(separator: "=").first.map(String.init) ?? "" })
        return flagHints.first { !flags.isDisjoint(with: $0.flags) }?.runtime
    }

    static let flagHints: [(flags: Set<String>, runtime: String)] = [
        (["--gpu-memory-utilization", "--max-model-len", "--enforce-eager", "--max-num-seqs", "--max-num-batched-tokens",
          "--tensor-parallel-size"], "vllm"),
        (["--num-shard", "--max-input-length", "--max-input-tokens", "--max-total-tokens", "--max-batch-prefill-tokens"], "tgi"),
        (["--mem-fraction-static", "--tp-size"], "sglang"),
    ]

    /// Flags that name the model to serve, per runtime family.
    static let modelFlags: Set<String> = ["--model", "--model-id", "--model_id", "--model-path", "--model_path", "--model-name",
                                          "--hf-repo", "-hf", "--hf-model", "--model-repo", "--repo-id", "--pretrained"]

    struct Token {
        var text: String
        var source: Located
        var offset: Int
    }

    /// Whitespace tokens of command strings with their positions, quotes stripped.
    static func tokens(_ strings: [Located]) -> [Token] {
        var result: [Token] = []
        for string in strings {
            if string.text.utf8.allSatisfy({ $0 < 0x80 }) {
                asciiTokens(string, into: &result)
            } else {
                characterTokens(string, into: &result)
            }
        }
        return result
    }

    /// `tokens` of one ASCII string, on its bytes. Every character is one byte there except `\r\n`, which Swift
    /// reads as one Character (neither a separator nor a quote), so it is kept whole.
    static func asciiTokens(_ string: Located, into result: inout [Token]) {
        let bytes = Array(string.text.utf8)
        var current: [UInt8] = []
        var start = 0
        var inTemplate = false
        func flush() {
            if !current.isEmpty { result.append(Token(text: String(decoding: current, as: UTF8.self), source: string, offset: start)) }
            current.removeAll(keepingCapacity: true)
        }
        var offset = 0
        func append(_ width: Int) {
            current.append(bytes[offset])
            if width == 2 { current.append(bytes[offset + 1]) }
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            let width = byte == 0x0D && offset + 1 < bytes.count && bytes[offset + 1] == 0x0A ? 2 : 1
            if inTemplate {
                append(width)
                if current.count >= 2 && current[current.count - 1] == UInt8(ascii: "}") && current[current.count - 2] == UInt8(ascii: "}") {
                    inTemplate = false
                }
            } else if byte == UInt8(ascii: "{") && current.last == UInt8(ascii: "{") {
                current.append(byte)
                inTemplate = true
            } else if width == 1 && (byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "&")
                                        || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "\\")) {
                flush()
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if current.isEmpty { start = offset + 1 }
            } else {
                if current.isEmpty { start = offset }
                append(width)
            }
            offset += width
        }
        flush()
    }

    /// `tokens` of one string, Character by Character.
    static func characterTokens(_ string: Located, into result: inout [Token]) {
        var current = ""
        var start = 0
        var offset = 0
        // A template expression (`{{ $spec.modelURL | quote }}`) is one token, spaces and pipes included.
        var inTemplate = false
        for character in string.text {
            if inTemplate {
                current.append(character)
                if current.hasSuffix("}}") { inTemplate = false }
            } else if character == "{" && current.hasSuffix("{") {
                current.append(character)
                inTemplate = true
            } else if character == " " || character == "\n" || character == "\t" || character == ";" || character == "&" || character == "|" || character == "\\" {
                if !current.isEmpty { result.append(Token(text: current, source: string, offset: start)) }
                current = ""
            } else if character == "\"" || character == "'" {
                if current.isEmpty { start = offset + 1 }
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
            offset += character.utf8.count
        }
        if !current.isEmpty { result.append(Token(text: current, source: string, offset: start)) }
    }

    /// Model references in a server's command line: `--model X`, `--model=X`, `-m X`, `vllm serve X`, `ollama pull X`.
    static func models(in strings: [Located], runtime: String?) -> [(text: String, token: Token)] {
        let tokens = tokens(strings)
        // Each token's lower case, made once: the checks below look at a token and its neighbours several times.
        let lowered = tokens.map { $0.text.lowercased() }
        // LMDeploy takes the model as an argument (`lmdeploy serve api_server <model>`); its `--model-name` is the served name.
        let isLMDeploy = lowered.contains { $0.hasSuffix("lmdeploy") }
        let modelFlags = isLMDeploy ? RuntimeDetector.modelFlags.subtracting(["--model-name"]) : RuntimeDetector.modelFlags
        var found: [(String, Token)] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let lower = lowered[index]
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            if lower.utf8.contains(UInt8(ascii: "=")), let eq = lower.firstIndex(of: "="), modelFlags.contains(String(lower[..<eq])) {
                let value = String(token.text[token.text.index(after: eq)...])
                var shifted = token
                shifted.offset += token.text.utf8.distance(from: token.text.startIndex, to: eq) + 1
                shifted.text = value
                if isModelValue(value) { found.append((value, shifted)) }
            } else if modelFlags.contains(lower), let next, isModelValue(next.text) {
                found.append((next.text, next))
                index += 1
            } else if lower.hasPrefix("--"), let (value, shifted) = unfamiliarModelFlag(token, next: next), isRepositoryID(value) {
                // `--hf-model-string meta-llama/...`: a flag about a model whose value has a repository id's shape.
                found.append((value, shifted))
                if !token.text.contains("=") { index += 1 }
            } else if lower == "-m", let next, isModelValue(next.text), !looksLikePythonModule(next.text),
                      !(index > 0 && (lowered[index - 1].split(separator: "/").last ?? "").hasPrefix("python")) {
                found.append((next.text, next))
                index += 1
            } else if lower == "serve", index > 0, lowered[index - 1].hasSuffix("vllm"), let next, !next.text.hasPrefix("-"), isModelValue(next.text) {
                found.append((next.text, next))
                index += 1
            } else if index == 0 || tokens[index - 1].text.hasPrefix("-") == false, isModelPlaceholder(token.text),
                      !(index > 0 && modelFlags.contains(lowered[index - 1])) {
                // `${LLAMACPP_MODEL_SPECIFIER}` on a server's command line stands for the model.
                found.append((token.text, token))
            } else if isLMDeploy, lower == "api_server", index > 1, lowered[index - 1] == "serve",
                      lowered[index - 2].hasSuffix("lmdeploy"), let next, !next.text.hasPrefix("-"), isModelValue(next.text) {
                found.append((next.text, next))
                index += 1
            } else if (lower == "pull" || lower == "run"), index > 0, lowered[index - 1].hasSuffix("ollama"), let next, !next.text.hasPrefix("-"),
                      isModelValue(next.text), isNamedModel(next.text) {
                found.append((next.text, next))
                index += 1
            } else if lower == "download", index > 0, ["huggingface-cli", "hf"].contains(lowered[index - 1].split(separator: "/").last.map(String.init) ?? ""),
                      let next, !next.text.hasPrefix("-"), isModelValue(next.text), isNamedModel(next.text) {
                // Weights fetched for the server: `huggingface-cli download org/model`, `hf download org/model`.
                found.append((next.text, next))
                index += 1
            }
            index += 1
        }
        // LocalAI preloads the models given as plain arguments (`local-ai run phi-2`, compose `command: [phi-2]`).
        if runtime == "localai" && found.isEmpty {
            for (index, token) in tokens.enumerated() where !token.text.hasPrefix("-") && isModelValue(token.text) {
                let previous = index > 0 ? tokens[index - 1].text : ""
                let name = lowered[index].split(separator: "/").last.map(String.init) ?? ""
                if previous.hasPrefix("-") && !previous.contains("=") { continue }  // a flag's value
                if ["local-ai", "run", "localai"].contains(name) || token.text.hasPrefix("/") && !name.hasSuffix(".gguf") { continue }
                found.append((token.text, token))
            }
        }
        // Weights loaded from a generic folder (`vllm serve /data/`) are named only by the served name; a folder
        // named after its model (`/models/Qwen3-8B`) names it itself.
        if let served = servedName(in: tokens, lowered: lowered) {
            found = found.map { item in isFolderPath(item.0) && !namesModel(folder: item.0) ? (served.text, served) : item }
        }
        return found
    }

    /// The value of a flag that mentions a model but is not a known model flag, a served name or a directory flag.
    static func unfamiliarModelFlag(_ token: Token, next: Token?) -> (String, Token)? {
        let lower = token.text.lowercased()
        guard lower.hasPrefix("--") else { return nil }
        let flag = lower.split(separator: "=", maxSplits: 1).first.map(String.init) ?? lower
        guard flag.includes("model"), !modelFlags.contains(flag),
              !["served", "name", "dir", "path", "len", "type", "format", "revision", "impl", "loader", "config"].contains(where: { flag.includes($0) })
        else { return nil }
        if let eq = token.text.firstIndex(of: "=") {
            var shifted = token
            shifted.offset += token.text.utf8.distance(from: token.text.startIndex, to: eq) + 1
            shifted.text = String(token.text[token.text.index(after: eq)...])
            return (shifted.text, shifted)
        }
        guard let next, !next.text.hasPrefix("-") else { return nil }
        return (next.text, next)
    }

    static let repositoryID = try! NSRegularExpression(pattern: #"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.:-]*$"#)

    /// `org/name`, the shape of a Hugging Face repository id.
    static func isRepositoryID(_ text: String) -> Bool {
        repositoryID.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// `--served-model-name X` or `--served-model-name=X` (the first name when several are given).
    static func servedName(in tokens: [Token], lowered: [String]) -> Token? {
        for (index, token) in tokens.enumerated() {
            let lower = lowered[index]
            if lower == "--served-model-name", index + 1 < tokens.count, isModelValue(tokens[index + 1].text), !isModelPlaceholder(tokens[index + 1].text) {
                return tokens[index + 1]
            }
            if lower.hasPrefix("--served-model-name=") {
                var shifted = token
                let prefix = "--served-model-name=".utf8.count
                shifted.text = String(token.text.dropFirst("--served-model-name=".count))
                shifted.offset += prefix
                if isModelValue(shifted.text) && !isModelPlaceholder(shifted.text) { return shifted }
            }
        }
        return nil
    }

    /// A local folder of weights (`/data/`, `/mnt/models`, `./model`), as opposed to a file such as a GGUF.
    static func isFolderPath(_ text: String) -> Bool {
        guard text.hasPrefix("/") || text.hasPrefix("./") || text.hasPrefix("~/") else { return false }
        let last = text.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return ![".gguf", ".bin", ".safetensors", ".ggml", ".pt", ".onnx"].contains { last.hasSuffix($0) }
    }

    /// A folder whose last component reads like a model name (`Qwen3-8B`, `llama-3.1-8b-instruct`): letters and a
    /// digit, unlike generic folders (`/data`, `/model`, `/mnt/models`).
    static func namesModel(folder text: String) -> Bool {
        guard let last = text.split(separator: "/").last.map(String.init), last.count >= 3 else { return false }
        return last.contains { $0.isNumber } && last.contains { $0.isLetter } && !last.hasPrefix("$")
    }

    static let modelPlaceholder = try! NSRegularExpression(pattern: #"^\$\{?[A-Za-z0-9_]*MODEL[A-Za-z0-9_]*(:-[^}]*)?\}?$"#, options: [.caseInsensitive])

    static func isModelPlaceholder(_ text: String) -> Bool {
        text.hasPrefix("$") && modelPlaceholder.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A literal, or a placeholder whose name says model: a loop variable (`ollama pull $m`) names nothing.
    static func isNamedModel(_ text: String) -> Bool {
        !text.hasPrefix("$") || isModelPlaceholder(text)
    }

    static func looksLikePythonModule(_ text: String) -> Bool {
        !text.includes("/") && !text.lowercased().hasSuffix(".gguf") && text.includes(".") && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
    }

    /// Rejects flags, numbers, booleans and empty strings.
    static func isModelValue(_ text: String) -> Bool {
        guard let first = text.first, first != "-", text.count >= 2 else { return false }
        if Double(text) != nil || ["true", "false", "none", "null", "auto", "default"].contains(text.lowercased()) { return false }
        return true
    }

    /// Models of a vision task with no language in or out (OCR, object and layout detection): outside an inventory of
    /// language models, as the product defines it. Judged by the task words in the name, since a catalog entry would
    /// need licence facts these models do not have in the reference.
    static let visionTasks = ["paddleocr", "easyocr", "-ocr", "ocr-", "yolox", "yolov", "page-elements", "graphic-elements",
                              "table-structure", "object-detection", "segmentation"]

    static func isVisionOnly(_ name: String) -> Bool {
        let lower = name.lowercased()
        return visionTasks.contains { lower.includes($0) }
    }

    /// NIM images name their model: `nvcr.io/nim/meta/llama3-8b-instruct:1.0.0` serves `nvcr.io/nim/meta/llama3-8b-instruct`.
    static func nimModel(image: String) -> String? {
        let lower = image.lowercased()
        guard lower.hasPrefix("nvcr.io/nim/"), lower.split(separator: "/").count >= 4, !isVisionOnly(lower) else { return nil }
        let withoutTag = image.split(separator: "@").first.map(String.init) ?? image
        var path = withoutTag
        if let colon = withoutTag.lastIndex(of: ":"), !withoutTag[colon...].contains("/") { path = String(withoutTag[..<colon]) }
        let name = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        // Generic NIM images load whatever model they are told to.
        if ["llm-nim", "nim-llm", "multi-llm", "llm"].contains(name) { return nil }
        return path
    }
}
