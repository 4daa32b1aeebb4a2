package io.clientele

import io.clientele.core.FieldKind
import kotlinx.coroutines.flow.Flow
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.lang.reflect.Method
import java.lang.reflect.Modifier

/**
 * tests/fixtures/operations.json is the one list of what every host offers. This reads it and
 * fails (one test per entry) when the compiled Kotlin API lacks one, by reflection on the
 * compiled classes:
 * - clients: a public method of `io.clientele.<Client>` per operation, and its `...WithResponse`
 *   variant; a public method returning a [Flow] per stream;
 * - functions: a public top-level function, in the generated bindings' file class
 *   (`Clientele_ffiKt`) or in a file class of the host layer (`<File>Kt` of kotlin/src/main);
 * - classes: the deduplicator's methods, and its `restore` constructor (a companion function);
 * - field kinds: a constant of the core's [FieldKind].
 */
@Suppress("UNCHECKED_CAST")
class OperationListTest {
    private val list = Fixtures.load("operations.json")

    /** The file classes holding top-level functions: the bindings' and the host layer's. */
    private val fileClasses: List<Class<*>> = run {
        val main = File(System.getProperty("clientele.kotlin.main") ?: "kotlin/src/main/kotlin")
        val host = main.walkTopDown().filter { it.isFile && it.extension == "kt" }.map { "io.clientele.${it.nameWithoutExtension}Kt" }.toList()
        assertTrue(host.isNotEmpty(), "the host layer's sources are not at $main")
        (listOf("io.clientele.Clientele_ffiKt") + host).mapNotNull { name -> runCatching { Class.forName(name) }.getOrNull() }
    }

    /**
     * A method's Kotlin name: the JVM name without the suffix Kotlin adds for inline-class
     * parameters (`caip10AccountId-4PLdz1A`).
     */
    private val Method.kotlinName: String get() = name.substringBefore('-')

    private fun Class<*>.publicMethods(name: String): List<Method> =
        methods.filter { Modifier.isPublic(it.modifiers) && it.kotlinName == name }

    private fun test(name: String, check: () -> String?) = DynamicTest.dynamicTest(name) {
        check()?.let { throw AssertionError(it) }
    }

    @TestFactory
    fun clients(): List<DynamicTest> {
        val clients = list["clients"].obj()
        assertTrue(clients.keys.containsAll(listOf("BlocClient", "OffBlocksClient")))
        return clients.flatMap { (client, entry) ->
            val type = Class.forName("io.clientele.$client")
            val operations = (entry.obj()["operations"] as List<String>)
            val streams = (entry.obj()["streams"] as List<String>)
            operations.flatMap { op ->
                listOf(
                    test("$client.$op") { "$client has no operation `$op`".takeIf { type.publicMethods(op).isEmpty() } },
                    test("$client.${op}WithResponse") {
                        "$client has no `${op}WithResponse`".takeIf { type.publicMethods("${op}WithResponse").isEmpty() }
                    },
                )
            } + streams.map { stream ->
                test("$client.$stream (stream)") {
                    val found = type.publicMethods(stream)
                    when {
                        found.isEmpty() -> "$client has no stream `$stream`"
                        found.none { Flow::class.java.isAssignableFrom(it.returnType) } -> "$client.$stream is not a Flow"
                        else -> null
                    }
                }
            }
        }
    }

    @TestFactory
    fun functions(): List<DynamicTest> {
        val groups = list["functions"].obj()
        assertTrue(groups.isNotEmpty())
        return groups.flatMap { (group, names) ->
            (names as List<String>).map { fn ->
                test("$group: $fn") {
                    val found = fileClasses.flatMap { it.publicMethods(fn) }.filter { Modifier.isStatic(it.modifiers) }
                    "no top-level function `$fn` in ${fileClasses.map { it.simpleName }}".takeIf { found.isEmpty() }
                }
            }
        }
    }

    @TestFactory
    fun classes(): List<DynamicTest> = list["classes"].obj().flatMap { (name, entry) ->
        val type = Class.forName("io.clientele.$name")
        val companion = type.declaredClasses.firstOrNull { it.simpleName == "Companion" }
        (entry.obj()["methods"] as List<String>).map { m ->
            test("$name.$m") { "$name has no method `$m`".takeIf { type.publicMethods(m).none { !Modifier.isStatic(it.modifiers) } } }
        } + (entry.obj()["constructors"] as List<String>).map { c ->
            test("$name.$c (constructor)") {
                val found = type.publicMethods(c).filter { Modifier.isStatic(it.modifiers) } + (companion?.publicMethods(c) ?: emptyList())
                "$name has no constructor `$c`".takeIf { found.none { it.returnType == type } }
            }
        }
    }

    @TestFactory
    fun fieldKinds(): List<DynamicTest> = (list["fieldKinds"] as List<String>).map { kind ->
        test("FieldKind $kind") {
            "the core's FieldKind has no constant for `$kind`".takeIf { runCatching { fieldKind(kind) }.isFailure }
        }
    }
}

/** The core's [FieldKind] for a kind as the fixtures write it (`nigerianPhone` -> NIGERIAN_PHONE). */
fun fieldKind(kind: String): FieldKind = FieldKind.valueOf(kind.replace(Regex("([a-z0-9])([A-Z])"), "$1_$2").uppercase())
