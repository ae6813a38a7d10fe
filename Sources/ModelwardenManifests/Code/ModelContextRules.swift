/// Whether a value literal's surroundings say "model", and the evidence reported for it.
enum ModelContextRules {
    static func context(for value: String, frames: [ContextFrame], previous: CodeToken?, className: String?) -> String? {
        let frame = frames[frames.count - 1]
        if frame.isSubscript || frame.isList { return nil }
        if ModelNames.isModelName(frame.key) { return frame.key }
        if ModelNames.isSettingReader(frame.call), ModelNames.isModelName(frame.firstString),
           frame.key?.lowercased() == "default" || (frame.key == nil && frame.positional == 1) {
            return "\(frame.call ?? "") \(frame.firstString ?? "")"
        }
        if let op = previous?.symbol ?? previous?.identifier, ModelContextWalk.fallbackOperators.contains(op),
           let name = frame.expression.last(where: { ModelNames.isModelName($0) }) {
            return "\(name) fallback"
        }
        if frame.key == nil, frame.positional == 0, let call = frame.call {
            if ModelNames.isSettingReader(call) { return nil }
            if ModelNames.isInProcessLoader(call) || ModelNames.isModelCall(call) { return call }
        }
        if ModelNames.isGeneric(frame.key), let outside = enclosingContext(frames: frames, className: className) {
            return "\(outside) \(frame.key ?? "argument")"
        }
        // `provider:model` ids say "model" by themselves (`"anthropic:claude-sonnet-4"` as any value), except in a generic
        // slot whose surroundings are about something else (a UI form's `"default":` repeating a field's default).
        if ProviderPrefix.split(value) != nil, frame.key == nil || !ModelNames.isGeneric(frame.key) {
            return frame.key ?? frame.call ?? "provider prefix"
        }
        return nil
    }

    /// A generic slot's context is outside it (`"Model": InputConfig(value=...)`, `bi_encoder = CharField(default=...)`,
    /// `class ChatModel: name = CharField(default=...)`); a specific name on the way (`friendly_name`) ends the search.
    static func enclosingContext(frames: [ContextFrame], className: String?) -> String? {
        var level = frames.count - 1
        while level >= 0 && level >= frames.count - 4 {
            let current = frames[level]
            if level != frames.count - 1 && (current.isList || current.isSubscript) { return nil }
            if let call = current.call, ModelNames.isModelCall(call) || ModelNames.isModelHolder(ModelNames.lastComponent(call)) { return call }
            if ModelNames.isModelHolder(current.binding) { return current.binding }
            if !ModelNames.isGeneric(current.binding) { return nil }
            level -= 1
        }
        return ModelNames.isModelName(className) ? className : nil
    }
}
