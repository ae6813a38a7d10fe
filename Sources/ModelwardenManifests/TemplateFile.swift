import Foundation
import ModelwardenCore

/// Templates of a manifest rather than the manifest itself: a Helm chart's `templates/`, Jinja and Go templates.
/// Without their values they are read as far as they go (as YAML, or line by line) and listed once as not rendered;
/// they never fail the run.
enum TemplateFile {
    enum Kind: Equatable {
        case helmChart(String)
        case jinja
        case goTemplate

        var description: String {
            switch self {
            case .helmChart(let chart): "Helm chart \(chart)"
            case .jinja: "Jinja"
            case .goTemplate: "Go template"
            }
        }
    }

    static let jinjaExtensions = [".j2", ".jinja", ".jinja2"]
    static let goTemplateExtensions = [".tpl", ".gotmpl", ".tmpl"]

    /// `docker-compose.yml.j2`, `values.yaml.gotmpl`: a manifest with a template extension (a bare `_helpers.tpl`
    /// defines named templates, not a manifest, and is not read).
    static func isTemplatedManifestName(_ lowercasedName: String) -> Bool {
        manifestStem(lowercasedName) != nil
    }

    /// The name without its template extension, when that is a YAML or JSON name.
    static func manifestStem(_ lowercasedName: String) -> String? {
        guard let ext = (jinjaExtensions + goTemplateExtensions).first(where: { lowercasedName.hasSuffix($0) }) else { return nil }
        let stem = String(lowercasedName.dropLast(ext.count))
        return stem.hasSuffix(".yaml") || stem.hasSuffix(".yml") || JSONWithComments.isJSONFileName(stem) ? stem : nil
    }

    /// `{{ ... }}` (Go, Helm, Jinja expressions) or `{% ... %}` (Jinja statements) on one line.
    static func containsTemplateMarkers(_ text: String) -> Bool {
        text.range(of: #"\{\{.*\}\}|\{%.*%\}"#, options: .regularExpression) != nil
    }

    /// The kind of template a file is by where it is and what it is called; nil for an ordinary file.
    static func kind(byLocationOf file: ManifestFile) -> Kind? {
        if let chart = helmChart(holdingTemplate: file.absolutePath) { return .helmChart(chart) }
        let lower = file.name.lowercased()
        if jinjaExtensions.contains(where: { lower.hasSuffix($0) }) { return .jinja }
        if goTemplateExtensions.contains(where: { lower.hasSuffix($0) }) { return .goTemplate }
        return nil
    }

    /// A file that failed to parse and holds template markers is a template wherever it is.
    static func kind(byContentOf file: ManifestFile) -> Kind? {
        guard containsTemplateMarkers(file.text) else { return nil }
        return file.text.range(of: #"\{%.*%\}"#, options: .regularExpression) != nil ? .jinja : .goTemplate
    }

    /// The chart's folder name when the file is under `<chart>/templates/` and `<chart>/Chart.yaml` exists.
    static func helmChart(holdingTemplate absolutePath: String) -> String? {
        // Most files lie under no `templates` folder; that costs one byte search, not a walk of URLs.
        guard absolutePath.includes("/templates/") else { return nil }
        var folder = URL(fileURLWithPath: absolutePath).deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            if folder.lastPathComponent == "templates" {
                let chart = folder.deletingLastPathComponent()
                if FileManager.default.fileExists(atPath: chart.appendingPathComponent("Chart.yaml").path) { return chart.lastPathComponent }
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
