/**
 * The function registry: the cluster store, each gateway's local index, and the {@link dev.genapi.config.ConfigService}
 * through which service nodes push their functions.
 */
@ModuleGen(name = "genapi-config", groupPackage = "dev.genapi")
package dev.genapi.config;

import io.vertx.codegen.annotations.ModuleGen;
