package io.clientele

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * Every public declaration of the host layer (kotlin/src/main) has KDoc: what Dokka would
 * publish. (Dokka itself cannot be had here: it is only on Maven Central, which this machine
 * does not reach; this check stands in for its "undocumented" report.)
 *
 * Public: not `private`, `internal` or `protected`, not an `override` (it inherits its
 * documentation), and declared at the top level or in a public class, interface or object (a
 * `val`/`var` of a public class's primary constructor included), never inside a function body.
 */
class KDocTest {
    private val main: List<File> = File(System.getProperty("clientele.kotlin.main") ?: "kotlin/src/main/kotlin")
        .walkTopDown().filter { it.isFile && it.extension == "kt" }.sortedBy { it.path }.toList()

    @Test
    fun everyPublicDeclarationOfTheHostLayerHasKDoc() {
        assertTrue(main.size >= 10, "the host layer: $main")
        val declarations = main.flatMap { file -> KDocScanner.publicDeclarations(file.readText()).map { file.name to it } }
        assertTrue(declarations.size > 100, "found only ${declarations.size} public declarations")
        val undocumented = declarations.filter { (_, d) -> !d.documented }.map { (file, d) -> "$file:${d.line}: ${d.text}" }
        assertEquals(emptyList<String>(), undocumented, "public declarations without KDoc")
    }

    // The scanner itself, on code whose answer is known.
    @Test
    fun theScannerFindsWhatIsPublicAndWhetherItIsDocumented() {
        val source = """
            package x

            /** Documented. */
            class A(
                /** A property. */
                val documented: Int,
                val undocumented: Int,
                private val hidden: Int,
                notAProperty: Int,
            ) {
                fun member() {
                    val local = 1
                    class Local { fun inside() = Unit }
                }
                override fun toString() = "a { b ( c"
                internal fun notPublic() = Unit
                /** Yes. */ val inline = 2
                companion object {
                    fun factory() = A(1, 2, 3, 4)
                }
            }

            @Suppress("unused")
            fun second() = Unit

            /** Annotations between KDoc and declaration are fine. */
            @Suppress("unused")
            @JvmOverloads
            fun third(a: Int = 1) = Unit

            /** On the same line as annotations. */ @JvmStatic @Suppress("x") fun fourth() = Unit
            @JvmField val fifth = 5
            internal class Internal { fun notPublicEither() = Unit }
            private fun hidden() = Unit
            fun interface Callback { fun call() }
            typealias Alias = String
            val top = listOf(1).map { val lambdaLocal = it; lambdaLocal }
            sealed class S { object O : S() }

            /**
             * With its properties documented here.
             *
             * @property a the first
             */
            class P(val a: Int, val b: Int, private val c: Int, d: () -> Unit = { val e = 1 })
            /** Nested parentheses in a parameter's default value. */
            class Q(val f: Int = listOf(1).size, g: () -> String = { "(" }) {
                /** Still a member of Q. */
                fun h() = Unit
            }
        """.trimIndent()
        val found = KDocScanner.publicDeclarations(source).map { "${if (it.documented) "+" else "-"} ${it.text}" }
        assertEquals(
            listOf(
                "+ class A(",
                "+ val documented: Int,",
                "- val undocumented: Int,",
                "- fun member() {",
                "+ val inline = 2",
                "- companion object {",
                "- fun factory() = A(1, 2, 3, 4)",
                "- fun second() = Unit",
                "+ fun third(a: Int = 1) = Unit",
                "+ fun fourth() = Unit",
                "- val fifth = 5",
                "- fun interface Callback { fun call() }",
                "- typealias Alias = String",
                "- val top = listOf(1).map { val lambdaLocal = it; lambdaLocal }",
                "- sealed class S { object O : S() }",
                "+ class P(val a: Int, val b: Int, private val c: Int, d: () -> Unit = { val e = 1 })",
                "+ val a: Int, val b: Int, private val c: Int, d: () -> Unit = { val e = 1 })",
                "- val b: Int, private val c: Int, d: () -> Unit = { val e = 1 })",
                "+ class Q(val f: Int = listOf(1).size, g: () -> String = { \"(\" }) {",
                "- val f: Int = listOf(1).size, g: () -> String = { \"(\" }) {",
                "+ fun h() = Unit",
            ),
            found,
        )
    }
}

/** Finds the public declarations of Kotlin source and whether each has KDoc (see [KDocTest]). */
internal object KDocScanner {
    class Declaration(val line: Int, val text: String, val documented: Boolean)

    private val modifier = "public|private|internal|protected|open|abstract|final|sealed|data|enum|inline|value|" +
        "suspend|override|operator|infix|tailrec|const|lateinit|annotation|companion|external|inner|vararg|noinline|crossinline"
    private val declaration = Regex(
        "^((?:(?:$modifier)\\s+)*)(fun\\s+interface|class|interface|object|fun|val|var|typealias|constructor)\\b",
    )
    private val annotation = Regex("^@[\\w.]+(?::[\\w.]+)?(\\s*\\([^()]*(\\([^()]*\\)[^()]*)*\\))?")

    private enum class Scope { TYPE, CODE, CLASS_PARAMETERS, OTHER_PARAMETERS }

    /** An open bracket: what it holds, whether what it declares is public, its class's KDoc. */
    private class Frame(val scope: Scope, val public: Boolean, val close: Char, val kdoc: String = "")

    /** The declaration seen last at the current level, until its body or parameters open. */
    private class Pending(val type: Boolean, val public: Boolean, val kdoc: String)

    fun publicDeclarations(source: String): List<Declaration> {
        val (code, kdocs) = blank(source)
        // Where the declaration each KDoc documents starts (past blanks and annotations).
        val documented = kdocs.associate { (start, end) -> skipAnnotations(code, end) to source.substring(start, end) }
        val out = mutableListOf<Declaration>()
        val stack = ArrayDeque<Frame>()
        var pending: Pending? = null
        val lineStarts = mutableListOf(0).apply { source.forEachIndexed { k, ch -> if (ch == '\n') add(k + 1) } }
        fun lineOf(offset: Int) = lineStarts.binarySearch(offset).let { if (it >= 0) it + 1 else -it - 1 }

        /** A declaration may start at [from] (a line start, after `;`, or a class parameter). */
        fun declarationAt(from: Int) {
            var at = from
            val lineEnd = code.indexOf('\n', from).let { if (it < 0) code.length else it }
            while (at < lineEnd && code[at].isWhitespace()) at++
            while (true) { // annotations before the declaration, on its line
                val a = annotation.find(code.substring(at, lineEnd))
                if (a == null || a.range.first != 0) break
                at += a.value.length
                while (at < lineEnd && code[at].isWhitespace()) at++
            }
            val m = declaration.find(code.substring(at, lineEnd)) ?: return
            val kind = m.groupValues[2]
            val mods = m.groupValues[1].split(Regex("\\s+")).filter { it.isNotEmpty() }
            val top = stack.lastOrNull()
            val inParameters = top?.scope == Scope.CLASS_PARAMETERS
            if (inParameters && kind != "val" && kind != "var") return
            val public = mods.none { it in setOf("private", "internal", "protected", "override") } &&
                stack.all { it.public && (it.scope == Scope.TYPE || it.scope == Scope.CLASS_PARAMETERS) }
            val kdoc = documented[at]
            if (public) {
                val name = Regex("^(?:val|var)\\s+(\\w+)").find(code.substring(at + m.groupValues[1].length, lineEnd))?.groupValues?.get(1)
                // A constructor property may instead be documented by its class's @property (or @param).
                val byClass = inParameters && name != null &&
                    Regex("@(property|param)\\s+$name\\b").containsMatchIn(top!!.kdoc)
                val text = source.substring(at, source.indexOf('\n', at).let { if (it < 0) source.length else it }).trim()
                out += Declaration(lineOf(at), text, kdoc != null || byClass)
            }
            if (!inParameters) pending = Pending(kind in setOf("class", "interface", "object") || kind.endsWith("interface"), public, kdoc ?: "")
        }

        var atLineStart = true
        for (i in code.indices) {
            val c = code[i]
            if (c == '\n') { atLineStart = true; continue }
            if (atLineStart && !c.isWhitespace()) { atLineStart = false; declarationAt(i) }
            val top = stack.lastOrNull()
            val inParameters = top?.scope == Scope.CLASS_PARAMETERS || top?.scope == Scope.OTHER_PARAMETERS
            when (c) {
                ';' -> declarationAt(i + 1)
                '{' -> {
                    val p = pending
                    stack.addLast(if (!inParameters && p?.type == true) Frame(Scope.TYPE, p.public, '}') else Frame(Scope.CODE, false, '}'))
                    if (!inParameters) pending = null
                }
                '(' -> {
                    val p = pending
                    if (!inParameters && p?.type == true && top?.scope != Scope.CLASS_PARAMETERS) {
                        stack.addLast(Frame(Scope.CLASS_PARAMETERS, p.public, ')', p.kdoc))
                        declarationAt(i + 1)
                    } else {
                        stack.addLast(Frame(Scope.OTHER_PARAMETERS, false, ')'))
                    }
                }
                ',' -> if (top?.scope == Scope.CLASS_PARAMETERS) declarationAt(i + 1)
                '}', ')' -> if (top?.close == c) stack.removeLast()
                '=' -> if (!inParameters) pending = null
            }
        }
        return out
    }

    /** Where the declaration after a KDoc ending at [from] starts: past blanks and annotations. */
    private fun skipAnnotations(code: String, from: Int): Int {
        var i = from
        while (true) {
            while (i < code.length && code[i].isWhitespace()) i++
            val m = annotation.find(code.substring(i)) ?: return i
            if (m.range.first != 0) return i
            i += m.value.length
        }
    }

    /**
     * The source with string literals and comments blanked (same length, newlines kept), and
     * where its KDoc comments start and end.
     */
    private fun blank(source: String): Pair<String, List<Pair<Int, Int>>> {
        val out = StringBuilder(source)
        val kdocs = mutableListOf<Pair<Int, Int>>()
        var i = 0
        fun blankRange(from: Int, to: Int) {
            for (k in from until to) if (out[k] != '\n') out[k] = ' '
        }
        while (i < source.length) {
            when {
                source.startsWith("//", i) -> {
                    val end = source.indexOf('\n', i).let { if (it < 0) source.length else it }
                    blankRange(i, end); i = end
                }
                source.startsWith("/*", i) -> {
                    val end = source.indexOf("*/", i + 2).let { if (it < 0) source.length else it + 2 }
                    if (source.startsWith("/**", i) && !source.startsWith("/**/", i)) kdocs += i to end
                    blankRange(i, end); i = end
                }
                source.startsWith("\"\"\"", i) -> {
                    val end = source.indexOf("\"\"\"", i + 3).let { if (it < 0) source.length else it + 3 }
                    blankRange(i + 1, end - 1); i = end
                }
                source[i] == '"' || source[i] == '\'' -> {
                    val quote = source[i]
                    var k = i + 1
                    while (k < source.length && source[k] != quote && source[k] != '\n') k += if (source[k] == '\\') 2 else 1
                    blankRange(i + 1, k); i = k + 1
                }
                else -> i++
            }
        }
        return out.toString() to kdocs
    }
}
