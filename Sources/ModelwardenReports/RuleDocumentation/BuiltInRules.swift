import ModelwardenCore

/// Pages for the findings the waiver machinery raises; they have no condition or examples in a policy file,
/// so their examples are written here.
extension DocumentedRule {
    static let builtIn = [expiredWaiver, inlineWaiverRefused]

    static let expiredWaiver = DocumentedRule(
        builtIn: .expiredWaiver,
        raisedWhen: "Modelwarden raises it for each waiver (in `waivers.yaml`, or an allowed inline annotation) whose "
            + "`expires` date is before the day of the audit. The waiver then stops waiving, so the findings it covered "
            + "are open again.",
        failing: Example(
            name: "a waiver that expired on 2026-09-30", files: [waivers(expires: "2026-09-30")], organization: nil),
        passing: Example(
            name: "the same waiver renewed until 2027-06-30", files: [waivers(expires: "2027-06-30")], organization: nil))

    static let inlineWaiverRefused = DocumentedRule(
        builtIn: .inlineWaiverRefused,
        raisedWhen: "Modelwarden raises it for each workload that carries a `modelwarden.io/waive` label or annotation "
            + "while the organisation leaves `waivers.inline` false (the default). The annotation is ignored.",
        failing: Example(
            name: "an inline waiver where the organisation does not allow them", files: [annotatedDeployment],
            organization: "waivers:\n  inline: false\n"),
        passing: Example(
            name: "the same workload where inline waivers are allowed", files: [annotatedDeployment],
            organization: "waivers:\n  inline: true\n"))

    private static func waivers(expires: String) -> (caption: String, path: String, text: String) {
        (caption: "`waivers.yaml` in the policy set", path: "waivers.yaml", text: """
            schemaVersion: 1
            waivers:
              - rule: license/eu-multimodal-restriction
                deployments: [{namespace: returns-prod, name: damage-inspector}]
                reason: "Interim approval while legal assesses the Llama 3.2 AUP, ticket LEGAL-2340"
                approved_by: "legal@example.com"
                expires: \(expires)

            """)
    }

    private static let annotatedDeployment = (caption: "`deploy.yaml`", path: "deploy.yaml", text: """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: chat
          annotations:
            modelwarden.io/waive: "license/attribution-missing; attribution shown on the about page, ticket LEGAL-12; until 2027-01-31"
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.3
                  command: ["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"]

        """)
}
