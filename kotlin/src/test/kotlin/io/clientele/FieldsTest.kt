package io.clientele

import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.time.LocalDate

/**
 * tests/fixtures/fields.json through the core's single-field checks, as a form that validates
 * while the user types calls them: [validateField] (the issue code, or none) and
 * [validateDateOfBirth] (a validation error whose one issue is at `dob`).
 */
class FieldsTest {
    private val fixture = Fixtures.load("fields.json")

    @TestFactory
    fun fields(): List<DynamicTest> = (fixture["fields"] as List<*>).map { it.obj() }.map { case ->
        val kind = case["kind"] as String
        val value = case["value"] as String
        // The value may be personal data in a real form: the test's name shows its length only.
        DynamicTest.dynamicTest("fields.json: $kind (${value.length} chars) -> ${case["issue"]}") {
            val issue = validateField(fieldKind(kind), value)?.let(::issueCodeWireValue)
            if (issue != case["issue"]) throw AssertionError("$kind `$value`: issue $issue, expected ${case["issue"]}")
        }
    }

    @TestFactory
    fun datesOfBirth(): List<DynamicTest> = (fixture["datesOfBirth"] as List<*>).map { it.obj() }.map { case ->
        val value = case["value"] as String
        val today = LocalDate.parse(case["today"] as String)
        DynamicTest.dynamicTest("fields.json: date of birth `$value` on $today -> ${case["issue"]}") {
            val issue = try {
                val date = validateDateOfBirth(value, today)
                if (date.toString() != value) throw AssertionError("`$value` came back as $date")
                null
            } catch (e: ClienteleException.Validation) {
                val only = e.issues.singleOrNull() ?: throw AssertionError("expected one issue: ${e.issues}")
                if (only.path != "dob") throw AssertionError("issue at ${only.path}, expected dob")
                issueCodeWireValue(only.code)
            }
            if (issue != case["issue"]) throw AssertionError("`$value`: issue $issue, expected ${case["issue"]}")
        }
    }
}
