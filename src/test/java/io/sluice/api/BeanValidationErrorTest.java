package io.sluice.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.support.Api;

/** A Bean Validation failure answers 400 with the one error body, naming the parameter. */
@QuarkusTest
class BeanValidationErrorTest {

    @Test
    void anOutOfRangePageSizeIs400InvalidFieldNamingTheParameter() {
        Api.admin().get("/api/v1/pipelines/nope/runs?size=0").then().statusCode(400)
                .body("error_code", equalTo("InvalidField"))
                .body("details.field", equalTo("size"))
                .body("message", containsString("size"));
        Api.admin().get("/api/v1/pipelines/nope/runs?page=1000001").then().statusCode(400)
                .body("error_code", equalTo("InvalidField"))
                .body("details.field", equalTo("page"));
    }
}
