/// The commented `.modelwarden.yaml` that `modelwarden init` writes. Everything in it is neutral, so writing it
/// changes no verdict until the organisation fills in its own facts; a test loads it.
public enum ConfigurationTemplate {
    public static let text = """
        # Modelwarden configuration for this repository. It is layered over the built-in policy set:
        # what you declare here replaces the built-in value, the rest stays. See what is in force with
        #   modelwarden policy show
        # and check it with
        #   modelwarden policy validate
        schemaVersion: 1

        # Facts about your organisation that rules need. The built-in organisation is neutral: nothing
        # is approved and no fact is assumed, so rules that need a fact report it as missing.
        organization:
          name: unnamed organisation
          # Where the organisation has its principal place of business: EU, or a country code (US, KR).
          # Llama 3.2+ withholds the rights for multimodal models from EU-based organisations.
          # jurisdiction: EU
          commercial_use: true
          # Monthly active users per product, for licence thresholds (Llama 700 million, Qwen 100 million).
          # Workloads name their product with the label modelwarden.io/product.
          products: []
          #  - name: web-shop
          #    monthly_active_users: 2500000
          # Model API providers whose terms your organisation has reviewed and approved.
          approved_providers: []
          # Contracts with providers: zero data retention and tier (free, paid, enterprise).
          provider_agreements: []
          #  - provider: openai
          #    zero_data_retention: true
          #    tier: enterprise
          #    reference: "DPA and ZDR approval, ticket LEGAL-123"
          # Your own label keys that mean the same as modelwarden.io/... labels.
          # label_keys:
          #   data-classification: [example.com/data-class]
          # Defaults for workloads by namespace (first match wins).
          namespaces: []
          #  - match: "*-prod"
          #    environment: production
          #    data_classification: internal
          waivers:
            max_days: 365
            inline: false

        # Approved exceptions, each for one rule, with reason, approver and expiry (or the path of a
        # waivers.yaml file). Expired waivers stop waiving and are reported.
        waivers: []
        #  - rule: data-control/unapproved-provider
        #    deployments: [{namespace: support, name: chatbot}]
        #    reason: "Provider review in progress, ticket SEC-123"
        #    approved_by: "ciso@example.com"
        #    expires: 2027-03-31

        # Turn a rule off or change its severity: off, on, error, warning or info.
        rules: {}
        #  inventory/unpinned-model: off
        #  license/attribution-missing: info

        # Paths to leave out of scans, gitignore-style, relative to this file's folder.
        ignore: []
        #  - "examples/**"
        #  - "/testdata/"

        # A file's role, whatever its path or shape says: configuration (read for usages) or data (never
        # a usage). `modelwarden check . --explain-roles` shows every file's role and why.
        roles: {}
        #  "config/models/*.json": configuration
        #  "experiments/**": data

        """
}
