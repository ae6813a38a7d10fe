import ModelwardenCore

/// SARIF 2.1.0 for code scanning: one rule per policy rule, results located at the model string,
/// waived findings as suppressed results, diagnostics as tool notifications.
public struct SARIFReporter: JSONDocumentReporter {
    public init() {}

    public func document(_ result: AuditResult, context: ReportContext) -> JSONValue {
        let rules = result.rules
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        var run: [(String, JSONValue)] = [
            ("tool", .object([("driver", .object([
                ("name", .string("modelwarden")),
                ("version", .string(context.toolVersion)),
                ("informationUri", .string("https://github.com/modelwarden/modelwarden")),
                ("rules", .array(rules.map(rule))),
            ]))])),
        ]
        if let root = context.scanRoot {
            run.append(("originalUriBaseIds", .object([("SRCROOT", .object([("uri", .string(fileURI(root)))]))])))
        }
        run.append(("invocations", .array([.object([
            ("executionSuccessful", .bool(context.exitCode != 2)),
            ("exitCode", .int(Int(context.exitCode))),
            ("toolExecutionNotifications", .array(result.diagnostics.map(notification))),
        ])])))
        run.append(("columnKind", .string("unicodeCodePoints")))
        run.append(("results", .array(result.findings.map { self.result($0, ruleIndex: ruleIndex[$0.rule], context: context) })))
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object(run)])),
        ])
    }

    private func rule(_ rule: RuleSummary) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .string(rule.id)),
            ("name", .string(rule.title.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())),
            ("shortDescription", .object([("text", .string(rule.title))])),
            ("fullDescription", .object([("text", .string(rule.description))])),
            ("help", .object([("text", .string(rule.remediation))])),
            ("defaultConfiguration", .object([("level", .string(rule.severity.level))])),
            ("properties", .object([("category", .string(rule.category)), ("tags", .array([.string(rule.category)]))])),
        ]
        if let uri = rule.helpURI { pairs.insert(("helpUri", .string(uri)), at: 5) }
        return .object(pairs)
    }

    private func result(_ finding: Finding, ruleIndex: Int?, context: ReportContext) -> JSONValue {
        var region: [(String, JSONValue)] = [("startLine", .int(finding.location.line)), ("startColumn", .int(finding.location.column))]
        if let model = finding.model {
            region.append(("endColumn", .int(finding.location.column + Secrets.redact(model).count)))
        }
        // Findings without a deployment (an expired waiver) point into the policy set, not the scanned folder.
        let artifact: JSONValue = finding.deployment == nil
            ? .object([("uri", .string(finding.location.file.hasPrefix("/") ? fileURI(finding.location.file, folder: false) : percentEncoded(finding.location.file)))])
            : .object([("uri", .string(percentEncoded(finding.location.file))), ("uriBaseId", .string("SRCROOT"))])
        var location: [(String, JSONValue)] = [
            ("physicalLocation", .object([
                ("artifactLocation", artifact),
                ("region", .object(region)),
            ])),
        ]
        if let deployment = finding.deployment {
            location.append(("logicalLocations", .array([.object([
                ("name", .string(deployment.name)),
                ("fullyQualifiedName", .string(deployment.description)),
                ("kind", .string("resource")),
            ])])))
        }
        var pairs: [(String, JSONValue)] = [("ruleId", .string(finding.rule))]
        if let ruleIndex { pairs.append(("ruleIndex", .int(ruleIndex))) }
        pairs += [
            ("level", .string(finding.severity.level)),
            ("message", .object([("text", .string(finding.message))])),
            ("locations", .array([.object(location)])),
            ("partialFingerprints", .object([("modelwarden/v1", .string(finding.fingerprint))])),
        ]
        switch finding.status {
        case .waived:
            pairs.append(("suppressions", .array([.object([
                ("kind", .string("external")),
                ("status", .string("accepted")),
                ("justification", .string(finding.waiverReason ?? "waived")),
            ])])))
        case .baselined:
            pairs.append(("baselineState", .string("unchanged")))
        case .open:
            break
        }
        var properties: [(String, JSONValue)] = [("status", .string(finding.status.rawValue))]
        if let model = finding.model { properties.append(("model", .string(Secrets.redact(model)))) }
        pairs.append(("properties", .object(properties)))
        return .object(pairs)
    }

    private func notification(_ diagnostic: Diagnostic) -> JSONValue {
        .object([
            ("level", .string(diagnostic.level == .error ? "error" : diagnostic.level == .warning ? "warning" : "note")),
            ("message", .object([("text", .string(diagnostic.message))])),
            ("locations", .array([.object([("physicalLocation", .object([
                ("artifactLocation", .object([("uri", .string(percentEncoded(diagnostic.location.file))), ("uriBaseId", .string("SRCROOT"))])),
                ("region", .object([("startLine", .int(max(1, diagnostic.location.line))), ("startColumn", .int(max(1, diagnostic.location.column)))])),
            ]))])])),
        ])
    }

    /// Percent-encodes a relative path for a URI reference, keeping `/`.
    func percentEncoded(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/")].contains(byte)
            if safe {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    private func fileURI(_ absolute: String, folder: Bool = true) -> String {
        let path = percentEncoded(absolute)
        return "file://" + (path.hasSuffix("/") || !folder ? path : path + "/")
    }
}
