package example;

import io.clientele.Bloc;
import io.clientele.ClienteleException;
import io.clientele.Clientele_ffiKt;
import io.clientele.core.CustomerCreateRequest;
import io.clientele.core.CustomerType;
import io.clientele.core.HttpRequest;
import io.clientele.core.Issue;
import java.util.ArrayList;
import java.util.List;

/**
 * The library from Java, compiled by maven-compiler-plugin against the Maven-resolved jar: the
 * core's request builder (no coroutines needed), which validates every field before building.
 */
public final class JavaValidation {
    private JavaValidation() {}

    /** The issues of a bad Bloc form, as "path:code", in field order. */
    public static List<String> issuesOfABadForm() throws ClienteleException {
        List<String> found = new ArrayList<>();
        try (Bloc bloc = new Bloc("sk_test_0123456789abcdef")) {
            bloc.buildCreateCustomer(
                new CustomerCreateRequest("ada@", "+234 801 234 5678", "Ada", "Obi", CustomerType.Personal.INSTANCE, "2222"));
        } catch (ClienteleException.Validation e) {
            for (Issue issue : e.getIssues()) {
                found.add(issue.getPath() + ":" + Clientele_ffiKt.issueCodeWireValue(issue.getCode()));
            }
        }
        return found;
    }

    /** The request built for a good form: method and URL, e.g. "POST https://api.blochq.io/v1/customers". */
    public static String requestForAGoodForm() throws ClienteleException {
        try (Bloc bloc = new Bloc("sk_test_0123456789abcdef")) {
            HttpRequest request = bloc.buildCreateCustomer(new CustomerCreateRequest(
                "ada@example.com", "+234 801 234 5678", "Ada", "Obi", CustomerType.Personal.INSTANCE, "22222222222"));
            return request.getMethod() + " " + request.getUrl();
        }
    }
}
