/**
 * Updates under the PCCP in the running gateway: the candidate, its shadow run beside the active
 * version, the shadow rule, promotion (automatic or approved), probation and its rollback. See
 * {@link io.vigil.gateway.update.UpdateGate}.
 */
package io.vigil.gateway.update;
