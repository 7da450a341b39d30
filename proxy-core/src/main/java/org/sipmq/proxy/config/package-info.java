/**
 * The configuration file and its errors, shared by every module: {@link org.sipmq.proxy.config.ConfigFile} (Kamailio's
 * {@code modparam} and core lines, each {@link org.sipmq.proxy.config.Setting} with its file and line),
 * {@link org.sipmq.proxy.config.ConfigErrors} that collects every problem before anything starts,
 * {@link org.sipmq.proxy.config.ConfigException} that reports them together, and
 * {@link org.sipmq.proxy.config.ConfigCheck} for checks that need the whole application. Each module's own settings
 * ({@code ProxyConfig}, {@code TimerConfig}, {@code MQueueConfig}) live beside its module. Imports nothing of sipmq.
 */
package org.sipmq.proxy.config;
