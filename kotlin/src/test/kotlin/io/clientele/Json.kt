package io.clientele

/**
 * A small JSON reader for the shared fixtures (the JVM has none built in and Maven Central is not
 * used here). Objects become LinkedHashMap, arrays List, integers Long, other numbers Double.
 */
object Json {
    fun parse(text: String): Any? {
        val reader = Reader(text)
        val value = reader.value()
        reader.skipWhitespace()
        require(reader.pos == text.length) { "trailing characters at ${reader.pos}" }
        return value
    }

    /** Compact JSON text of a parsed value, for messages and `dataJson` comparisons. */
    fun write(value: Any?): String = when (value) {
        null -> "null"
        is String -> buildString {
            append('"')
            for (c in value) when (c) {
                '"' -> append("\\\"")
                '\\' -> append("\\\\")
                '\n' -> append("\\n")
                '\r' -> append("\\r")
                '\t' -> append("\\t")
                else -> if (c < ' ') append("\\u%04x".format(c.code)) else append(c)
            }
            append('"')
        }
        is Map<*, *> -> value.entries.joinToString(",", "{", "}") { (k, v) -> write(k as String) + ":" + write(v) }
        is List<*> -> value.joinToString(",", "[", "]") { write(it) }
        else -> value.toString()
    }

    private class Reader(val text: String) {
        var pos = 0

        fun skipWhitespace() {
            while (pos < text.length && text[pos] in " \t\r\n") pos++
        }

        fun value(): Any? {
            skipWhitespace()
            require(pos < text.length) { "unexpected end" }
            return when (text[pos]) {
                '{' -> obj()
                '[' -> array()
                '"' -> string()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> number()
            }
        }

        private fun literal(word: String, value: Any?): Any? {
            require(text.startsWith(word, pos)) { "bad literal at $pos" }
            pos += word.length
            return value
        }

        private fun obj(): Map<String, Any?> {
            val map = LinkedHashMap<String, Any?>()
            pos++
            skipWhitespace()
            if (text[pos] == '}') { pos++; return map }
            while (true) {
                skipWhitespace()
                val key = string()
                skipWhitespace()
                require(text[pos] == ':') { "expected : at $pos" }
                pos++
                map[key] = value()
                skipWhitespace()
                when (text[pos++]) {
                    ',' -> continue
                    '}' -> return map
                    else -> error("expected , or } at ${pos - 1}")
                }
            }
        }

        private fun array(): List<Any?> {
            val list = ArrayList<Any?>()
            pos++
            skipWhitespace()
            if (text[pos] == ']') { pos++; return list }
            while (true) {
                list += value()
                skipWhitespace()
                when (text[pos++]) {
                    ',' -> continue
                    ']' -> return list
                    else -> error("expected , or ] at ${pos - 1}")
                }
            }
        }

        private fun string(): String {
            require(text[pos] == '"') { "expected a string at $pos" }
            pos++
            val out = StringBuilder()
            while (true) {
                val c = text[pos++]
                when (c) {
                    '"' -> return out.toString()
                    '\\' -> when (val e = text[pos++]) {
                        'n' -> out.append('\n')
                        't' -> out.append('\t')
                        'r' -> out.append('\r')
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000c')
                        'u' -> { out.append(text.substring(pos, pos + 4).toInt(16).toChar()); pos += 4 }
                        else -> out.append(e)
                    }
                    else -> out.append(c)
                }
            }
        }

        private fun number(): Any {
            val start = pos
            while (pos < text.length && text[pos] in "+-0123456789.eE") pos++
            val token = text.substring(start, pos)
            return token.toLongOrNull() ?: token.toDouble()
        }
    }
}
