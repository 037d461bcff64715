package io.sluice.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The weakest role allowed to call a resource method (or every method of a resource class).
 * Deny by default: a resource method without it is refused to everyone. Health and the OpenAPI
 * document are not resource methods and stay public.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface Access {
    Role value();
}
