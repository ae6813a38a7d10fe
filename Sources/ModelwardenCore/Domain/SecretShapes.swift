/// The shape finders behind `SecretScrubber.scrub`: each rewrites the scalars in place and says whether it changed any.
extension SecretScrubber {
    typealias Scalars = [Unicode.Scalar]

    static let redactedScalars = Array(Secrets.redacted.unicodeScalars)

    /// `-----BEGIN ... KEY-----` up to its `-----END ...-----` (or the end of the text, for a cut-off block).
    static func replacePEMBlocks(_ scalars: inout Scalars) -> Bool {
        let begin = Array("-----BEGIN".unicodeScalars), end = Array("-----END".unicodeScalars), dashes = Array("-----".unicodeScalars)
        var changed = false
        var start = 0
        while let found = index(of: begin, in: scalars, from: start) {
            var stop = scalars.count
            if let endMark = index(of: end, in: scalars, from: found + begin.count) {
                stop = index(of: dashes, in: scalars, from: endMark + end.count).map { $0 + dashes.count } ?? scalars.count
            }
            scalars.replaceSubrange(found..<stop, with: redactedScalars)
            start = found + redactedScalars.count
            changed = true
        }
        return changed
    }

    /// `scheme://user:password@host` becomes `scheme://user:***@host`; a long user alone (a token) becomes `***`.
    static func maskURLUserinfo(_ scalars: inout Scalars) -> Bool {
        let separator = Array("://".unicodeScalars)
        var changed = false
        var start = 0
        while let found = index(of: separator, in: scalars, from: start) {
            let authorityStart = found + separator.count
            var authorityEnd = authorityStart
            while authorityEnd < scalars.count, !endsAuthority(scalars[authorityEnd]) { authorityEnd += 1 }
            start = authorityStart
            guard let at = scalars[authorityStart..<authorityEnd].lastIndex(of: "@") else { continue }
            let userinfo = authorityStart..<at
            if let colon = scalars[userinfo].firstIndex(of: ":") {
                let password = (colon + 1)..<at
                guard String(String.UnicodeScalarView(scalars[password])) != maskedPassword else { continue }
                scalars.replaceSubrange(password, with: Array(maskedPassword.unicodeScalars))
                changed = true
            } else if userinfo.count >= 20 {
                scalars.replaceSubrange(userinfo, with: Array(maskedPassword.unicodeScalars))
                changed = true
            }
        }
        return changed
    }

    /// Key-shaped tokens (`sk-proj-...`, `AKIA...`, `ghp_...`) and JWTs (`eyJ...`), wherever they start a word.
    static func replaceTokens(_ scalars: inout Scalars) -> Bool {
        var changed = false
        var position = 0
        while position < scalars.count {
            guard position == 0 || !isWordScalar(scalars[position - 1]), let length = tokenLength(scalars, at: position) else {
                position += 1
                continue
            }
            scalars.replaceSubrange(position..<(position + length), with: redactedScalars)
            position += redactedScalars.count
            changed = true
        }
        return changed
    }

    /// The length of a key or JWT starting at `position`, or nil.
    static let jwtStart = Array("eyJ".unicodeScalars)
    static let keyPrefixScalars = keyPrefixes.map { Array($0.unicodeScalars) }

    static func tokenLength(_ scalars: Scalars, at position: Int) -> Int? {
        if hasPrefix(jwtStart, scalars, at: position) {
            var end = position, dots = 0
            while end < scalars.count, isWordScalar(scalars[end]) || scalars[end] == "." || scalars[end] == "-" {
                if scalars[end] == "." { dots += 1 }
                end += 1
            }
            if dots >= 2 && end - position >= 20 { return end - position }
        }
        for prefixScalars in keyPrefixScalars {
            guard hasPrefix(prefixScalars, scalars, at: position) else { continue }
            var end = position + prefixScalars.count
            while end < scalars.count, isWordScalar(scalars[end]) || scalars[end] == "-" { end += 1 }
            if end - position - prefixScalars.count >= 12 { return end - position }
        }
        return nil
    }

    /// `api_key: VALUE`, `"apiKey": "VALUE"`, `--hf-token=VALUE`, `DB_PASSWORD=VALUE`, `Bearer VALUE`: the value goes.
    static func replaceAssignedSecrets(_ scalars: inout Scalars) -> Bool {
        var changed = false
        var position = 0
        while position < scalars.count {
            guard isNameScalar(scalars[position]), position == 0 || !isNameScalar(scalars[position - 1]) else {
                position += 1
                continue
            }
            var nameEnd = position
            while nameEnd < scalars.count, isNameScalar(scalars[nameEnd]) { nameEnd += 1 }
            let name = String(String.UnicodeScalarView(scalars[position..<nameEnd]))
            if namesSecret(name) || isAuthorizationScheme(name), let value = assignedValue(scalars, after: nameEnd, name: name) {
                let text = String(String.UnicodeScalarView(scalars[value]))
                if isLiteralSecret(text), !text.hasPrefix("//") {
                    scalars.replaceSubrange(value, with: redactedScalars)
                    changed = true
                    position = value.lowerBound + redactedScalars.count
                    continue
                }
            }
            position = nameEnd
        }
        return changed
    }

    /// The range of the value after `name`: `= v`, `: v`, `": "v"`, or after a space for `Bearer v` and `--flag v`.
    static func assignedValue(_ scalars: Scalars, after nameEnd: Int, name: String) -> Range<Int>? {
        var cursor = nameEnd
        if cursor < scalars.count, scalars[cursor] == "\"" || scalars[cursor] == "'" { cursor += 1 }
        while cursor < scalars.count, scalars[cursor] == " " || scalars[cursor] == "\t" { cursor += 1 }
        if cursor < scalars.count, scalars[cursor] == "=" || scalars[cursor] == ":" {
            cursor += 1
        } else if !(cursor > nameEnd && (isAuthorizationScheme(name) || name.hasPrefix("--"))) {
            return nil
        }
        while cursor < scalars.count, scalars[cursor] == " " || scalars[cursor] == "\t" || scalars[cursor] == "\"" || scalars[cursor] == "'" {
            cursor += 1
        }
        var end = cursor
        while end < scalars.count, !endsValue(scalars[end]) { end += 1 }
        // `--api-key --port 8000`: the flag's value is missing, not `--port`.
        guard end > cursor, !(name.hasPrefix("--") && scalars[cursor] == "-") else { return nil }
        return cursor..<end
    }

    static func isAuthorizationScheme(_ name: String) -> Bool {
        ["bearer", "basic", "token"].contains(name.lowercased())
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        isWordScalar(scalar) || scalar == "-" || scalar == "."
    }

    static func endsAuthority(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "/", "?", "#", " ", "\t", "\n", "\r", "\"", "'", "<", ">", "`", ",": return true
        default: return false
        }
    }

    static func endsValue(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\"", "'", ",", ";", "}", "]", ")", "&", "|", "`", "<", ">": return true
        default: return false
        }
    }

    static func hasPrefix(_ prefix: Scalars, _ scalars: Scalars, at position: Int) -> Bool {
        guard position + prefix.count <= scalars.count else { return false }
        for offset in 0..<prefix.count where scalars[position + offset] != prefix[offset] { return false }
        return true
    }

    static func index(of needle: Scalars, in scalars: Scalars, from start: Int) -> Int? {
        guard !needle.isEmpty, start <= scalars.count - needle.count else { return nil }
        for position in start...(scalars.count - needle.count) where scalars[position] == needle[0] && hasPrefix(needle, scalars, at: position) {
            return position
        }
        return nil
    }
}
