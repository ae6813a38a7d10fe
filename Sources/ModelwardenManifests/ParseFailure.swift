/// What a file that does not parse means for the run. Exit 2 is kept for what must fail closed; everything else
/// is reported without failing, so an ordinary repository can be gated.
enum ParseFailure: Equatable {
    /// A template without its values: read as far as it goes, listed at info level.
    case template(TemplateFile.Kind)
    /// A file the user named, or a deployment kind the audit must see: an error, and read as far as it goes.
    case failClosed(String)
    /// A file of no known kind: a warning, counted as not read, and nothing taken from it.
    case notRead

    static func verdict(for file: ManifestFile, template: TemplateFile.Kind?) -> ParseFailure {
        if let kind = template ?? TemplateFile.kind(byContentOf: file) { return .template(kind) }
        if file.isNamed { return .failClosed("a file named on the command line") }
        if let kind = DeploymentKindSniffing.knownKind(of: file) { return .failClosed("a broken \(kind)") }
        return .notRead
    }
}
