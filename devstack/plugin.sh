#!/bin/bash
# Devstack plugin of masakari: installs the package from this repository,
# configures masakari-api and masakari-engine (and, when enabled, the
# monitors), registers the instance-ha service in Keystone and starts them.
#
# enable_plugin masakari <this repository>
# enable_service masakari-instancemonitor masakari-processmonitor  (optional)

XTRACE=$(set +o | grep xtrace)
set -o xtrace

function install_masakari {
    setup_develop $MASAKARI_DIR
}

function create_masakari_accounts {
    create_service_user "masakari" "admin"
    local service
    service=$(get_or_create_service "masakari" "instance-ha" \
        "OpenStack High Availability")
    get_or_create_endpoint $service "$REGION_NAME" \
        "$MASAKARI_SERVICE_PROTOCOL://$MASAKARI_SERVICE_HOST:$MASAKARI_SERVICE_PORT/v1/\$(tenant_id)s"
}

function configure_masakari {
    sudo install -d -o $STACK_USER $MASAKARI_CONF_DIR $MASAKARI_AUTH_CACHE_DIR
    cp $MASAKARI_DIR/etc/masakari/api-paste.ini $MASAKARI_API_PASTE_INI
    cp $MASAKARI_DIR/etc/masakari/masakari-custom-recovery-methods.conf $MASAKARI_CUSTOM_FLOWS

    iniset $MASAKARI_CONF DEFAULT debug $ENABLE_DEBUG_LOG_LEVEL
    iniset $MASAKARI_CONF DEFAULT masakari_api_listen $MASAKARI_SERVICE_HOST
    iniset $MASAKARI_CONF DEFAULT masakari_api_listen_port $MASAKARI_SERVICE_PORT
    iniset $MASAKARI_CONF DEFAULT masakari_api_workers "$API_WORKERS"
    iniset $MASAKARI_CONF wsgi api_paste_config $MASAKARI_API_PASTE_INI
    iniset $MASAKARI_CONF DEFAULT os_privileged_user_name nova
    iniset $MASAKARI_CONF DEFAULT os_privileged_user_password "$SERVICE_PASSWORD"
    iniset $MASAKARI_CONF DEFAULT os_privileged_user_tenant "$SERVICE_PROJECT_NAME"
    iniset $MASAKARI_CONF DEFAULT os_privileged_user_auth_url "$KEYSTONE_SERVICE_URI"
    iniset $MASAKARI_CONF DEFAULT os_user_domain_name "$SERVICE_DOMAIN_NAME"
    iniset $MASAKARI_CONF DEFAULT os_project_domain_name "$SERVICE_DOMAIN_NAME"
    iniset $MASAKARI_CONF DEFAULT os_region_name "$REGION_NAME"
    iniset_rpc_backend masakari $MASAKARI_CONF DEFAULT
    iniset $MASAKARI_CONF database connection \
        "$(database_connection_url masakari)"
    iniset $MASAKARI_CONF taskflow connection \
        "$(database_connection_url masakari)"
    configure_keystone_authtoken_middleware $MASAKARI_CONF masakari
    iniset $MASAKARI_CONF keystone_authtoken auth_type password
}

function configure_masakari_monitors {
    sudo install -d -o $STACK_USER $MASAKARI_MONITORS_CONF_DIR
    local conf=$MASAKARI_MONITORS_CONF_DIR/masakarimonitors.conf
    iniset $conf api auth_url "$KEYSTONE_SERVICE_URI"
    iniset $conf api password "$SERVICE_PASSWORD"
    iniset $conf api project_name "$SERVICE_PROJECT_NAME"
    iniset $conf api username masakari
    iniset $conf api user_domain_id default
    iniset $conf api project_domain_id default
    iniset $conf api region "$REGION_NAME"
    cp $MASAKARI_DIR/etc/masakarimonitors/process_list.yaml.sample \
        $MASAKARI_MONITORS_CONF_DIR/process_list.yaml
}

function init_masakari {
    recreate_database masakari
    $MASAKARI_BIN_DIR/masakari-manage --config-file $MASAKARI_CONF db sync
}

function start_masakari {
    run_process masakari-api "$MASAKARI_BIN_DIR/masakari-api --config-file $MASAKARI_CONF"
    run_process masakari-engine "$MASAKARI_BIN_DIR/masakari-engine --config-file $MASAKARI_CONF --config-file $MASAKARI_CUSTOM_FLOWS"
    local monitor
    for monitor in instancemonitor processmonitor introspectiveinstancemonitor hostmonitor; do
        if is_service_enabled masakari-$monitor; then
            run_process masakari-$monitor "$MASAKARI_BIN_DIR/masakari-$monitor --config-file $MASAKARI_MONITORS_CONF_DIR/masakarimonitors.conf"
        fi
    done
}

function stop_masakari {
    local service
    for service in masakari-api masakari-engine masakari-instancemonitor \
            masakari-processmonitor masakari-introspectiveinstancemonitor \
            masakari-hostmonitor; do
        stop_process $service
    done
}

MASAKARI_BIN_DIR=$(get_python_exec_prefix)

if is_service_enabled masakari-api masakari-engine; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        install_masakari
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        configure_masakari
        if is_service_enabled keystone; then
            create_masakari_accounts
        fi
        if is_service_enabled masakari-instancemonitor masakari-processmonitor \
                masakari-introspectiveinstancemonitor masakari-hostmonitor; then
            configure_masakari_monitors
        fi
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        init_masakari
        start_masakari
    fi
    if [[ "$1" == "unstack" ]]; then
        stop_masakari
    fi
fi

$XTRACE
