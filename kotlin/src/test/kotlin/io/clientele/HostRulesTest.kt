package io.clientele

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * "The core decides, the hosts do": kotlin/src/main names no error code the core lacks and holds
 * no retry rule of its own (no status codes, no `Retry-After`, no backoff arithmetic, no
 * hard-coded numbers at all).
 */
class HostRulesTest {
    private val main: List<File> = File(System.getProperty("clientele.kotlin.main") ?: "kotlin/src/main/kotlin")
        .walkTopDown().filter { it.isFile && it.extension == "kt" }.toList()

    /** The code of a file without its comments (strings kept). */
    private fun code(file: File): String {
        val text = file.readText()
        val out = StringBuilder()
        var i = 0
        var inString = false
        while (i < text.length) {
            val c = text[i]
            when {
                inString && c == '\\' -> { out.append(c).append(text.getOrElse(i + 1) { ' ' }); i += 2; continue }
                c == '"' -> inString = !inString
                !inString && text.startsWith("//", i) -> { i = text.indexOf('\n', i).let { if (it < 0) text.length else it }; continue }
                !inString && text.startsWith("/*", i) -> { i = text.indexOf("*/", i).let { if (it < 0) text.length else it + 2 }; continue }
            }
            out.append(c)
            i++
        }
        return out.toString()
    }

    /** The code of a file without its comments and string literals. */
    private fun bare(file: File): String = Regex("\"(\\\\.|[^\"\\\\])*\"").replace(code(file), "\"\"")

    @Test
    fun theHostLayerIsThere() {
        assertTrue(main.map { it.name }.containsAll(listOf("BlocClient.kt", "OffBlocksClient.kt", "Engine.kt", "Options.kt")), "$main")
    }

    @Test
    fun everyErrorCodeNamedIsTheCores() {
        val vocabulary = errorCodes().map { it.code }.toSet()
        assertTrue("rate_limited" in vocabulary && "aborted" in vocabulary)
        // Every snake_case string literal in the host layer: each must be a code of the core.
        val literal = Regex("\"([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\"")
        val named = main.flatMap { f -> literal.findAll(code(f)).map { f.name to it.groupValues[1] }.toList() }
        assertTrue(named.isNotEmpty(), "the host raises codes of its own (signer_failed, ...)")
        val unknown = named.filter { (_, code) -> code !in vocabulary }
        assertEquals(emptyList<Pair<String, String>>(), unknown, "codes the core lacks")
        for ((_, code) in named) assertTrue(errorKindOfCode(code) != null, code)
    }

    @Test
    fun noRetryRuleLivesInKotlin() {
        val forbidden = listOf(
            Regex("\\b[1-5]\\d\\d\\b") to "an HTTP status",
            Regex("(?i)\"retry-after\"") to "reading Retry-After",
            Regex("\\bshl\\b|\\.pow\\(|Math\\.pow|\\* ?2\\b") to "backoff arithmetic",
            Regex("\\b(isRetryable|retryable)\\b(?!\\s*=)") to "a retry decision",
            Regex("accessTokenNeedsRefresh|requestIsRetrySafe|LocalDate\\.now") to "a decision the engine makes",
            Regex("RetryPolicy|maxAttempts|initialBackoff") to "the old retry policy",
        )
        val found = main.flatMap { f ->
            val text = bare(f) + code(f).let { c -> Regex("\"[^\"]*\"").findAll(c).joinToString(" ") { it.value } }
            forbidden.mapNotNull { (rule, what) -> rule.find(text)?.let { "${f.name}: $what (`${it.value}`)" } }
        }
        assertEquals(emptyList<String>(), found)
    }

    @Test
    fun noNumberIsWrittenInKotlin() {
        // Defaults, limits and waits are the core's: the host layer writes no number but 0 and 1.
        val number = Regex("(?<![\\w.])\\d[\\d_]*(\\.\\d+)?")
        val found = main.flatMap { f ->
            number.findAll(bare(f)).map { it.value }.filter { it.replace("_", "").toDouble() > 1 }.map { "${f.name}: $it" }.toList()
        }
        assertEquals(emptyList<String>(), found)
    }
}
