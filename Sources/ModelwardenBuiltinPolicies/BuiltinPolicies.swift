/// The policy set shipped in `Policies/`, compiled into the executable by the EmbedPolicies build plugin:
/// catalog, licences, providers, rules, the neutral organisation and the empty waiver list.
public enum BuiltinPolicies {
    /// Each file by its path inside `Policies/` (`rules/default.yaml`), with its exact text and its YAML tree, parsed
    /// when the executable was built, in the compact form `YAMLCompact.decode` reads.
    public static let files: [(path: String, text: String, tree: String)] = embeddedPolicyFiles
}
