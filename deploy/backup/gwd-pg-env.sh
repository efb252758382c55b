# shellcheck shell=sh
# gwd-pg-env.sh — sourced by gwd-backup.sh and gwd-restore.sh (not run on its own).
#
# GWD is configured with one DATABASE_URL (postgres://user:password@host:5432/name).
# pg_dump and pg_restore could take that URL as --dbname, but a command line is
# visible to every user of the machine (ps, /proc/*/cmdline) while a process's
# environment is readable only by its owner. So the URL is split here into libpq's
# environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE…)
# and the tools are run without any connection details on their command line.
#
# POSIX sh only (dash, busybox ash, bash). Every helper variable starts with "_gwd".

# Print $1 with every %XX escape decoded (the README asks for percent-encoding of
# special characters in the user name and password). A "%" that is not followed by
# two hexadecimal digits is kept as it is.
gwd_urldecode() {
    _gwd_rest=$1
    _gwd_out=
    while :; do
        case $_gwd_rest in
            *%*) ;;
            *) break ;;
        esac
        _gwd_out=$_gwd_out${_gwd_rest%%\%*}
        _gwd_rest=${_gwd_rest#*\%}
        case $_gwd_rest in
            [0-9A-Fa-f][0-9A-Fa-f]*)
                _gwd_hex=${_gwd_rest%"${_gwd_rest#??}"}
                _gwd_rest=${_gwd_rest#??}
                # Hexadecimal -> octal escape -> the byte itself (POSIX printf has no \x).
                # shellcheck disable=SC2059 # the escape must be in the format string
                _gwd_out=$_gwd_out$(printf "\\$(printf '%03o' "0x$_gwd_hex")")
                ;;
            *)
                _gwd_out=$_gwd_out%
                ;;
        esac
    done
    printf '%s' "$_gwd_out$_gwd_rest"
}

# gwd_pg_env URL — export libpq's variables for URL. Fields missing from the URL
# (for example the password, when ~/.pgpass is used) leave the variable as it was.
# Returns 1 with a message on stderr when URL is not a PostgreSQL URL.
gwd_pg_env() {
    _gwd_url=$1
    case $_gwd_url in
        postgres://* | postgresql://* | pgsql://*) ;;
        *)
            echo "gwd: not a PostgreSQL URL (postgres://user:password@host:5432/name)" >&2
            return 1
            ;;
    esac
    _gwd_url=${_gwd_url#*://}

    # ?key=value&… options at the end.
    _gwd_query=
    case $_gwd_url in
        *\?*)
            _gwd_query=${_gwd_url#*\?}
            _gwd_url=${_gwd_url%%\?*}
            ;;
    esac

    # user:password@ — the last "@" ends it (an "@" in the password should be %40).
    _gwd_userinfo=
    case $_gwd_url in
        *@*)
            _gwd_userinfo=${_gwd_url%@*}
            _gwd_url=${_gwd_url##*@}
            ;;
    esac

    # /name — the database.
    _gwd_db=
    case $_gwd_url in
        */*)
            _gwd_db=${_gwd_url#*/}
            _gwd_url=${_gwd_url%%/*}
            ;;
    esac

    # host:port, host, [ipv6]:port or [ipv6].
    case $_gwd_url in
        \[*\]:*) _gwd_host=${_gwd_url%\]:*} _gwd_host=${_gwd_host#\[} _gwd_port=${_gwd_url##*\]:} ;;
        \[*\]) _gwd_host=${_gwd_url#\[} _gwd_host=${_gwd_host%\]} _gwd_port= ;;
        *:*) _gwd_host=${_gwd_url%:*} _gwd_port=${_gwd_url##*:} ;;
        *) _gwd_host=$_gwd_url _gwd_port= ;;
    esac

    case $_gwd_userinfo in
        *:*) _gwd_user=${_gwd_userinfo%%:*} _gwd_pass=${_gwd_userinfo#*:} ;;
        *) _gwd_user=$_gwd_userinfo _gwd_pass= ;;
    esac

    if [ -n "$_gwd_host" ]; then PGHOST=$(gwd_urldecode "$_gwd_host"); export PGHOST; fi
    if [ -n "$_gwd_port" ]; then PGPORT=$_gwd_port; export PGPORT; fi
    if [ -n "$_gwd_user" ]; then PGUSER=$(gwd_urldecode "$_gwd_user"); export PGUSER; fi
    if [ -n "$_gwd_pass" ]; then PGPASSWORD=$(gwd_urldecode "$_gwd_pass"); export PGPASSWORD; fi
    if [ -n "$_gwd_db" ]; then PGDATABASE=$(gwd_urldecode "$_gwd_db"); export PGDATABASE; fi

    # The libpq options a GWD URL may carry (Django passes them on as OPTIONS).
    if [ -n "$_gwd_query" ]; then
        _gwd_ifs=$IFS
        IFS='&'
        for _gwd_kv in $_gwd_query; do
            _gwd_key=${_gwd_kv%%=*}
            _gwd_value=$(gwd_urldecode "${_gwd_kv#*=}")
            case $_gwd_key in
                sslmode) PGSSLMODE=$_gwd_value; export PGSSLMODE ;;
                sslrootcert) PGSSLROOTCERT=$_gwd_value; export PGSSLROOTCERT ;;
                sslcert) PGSSLCERT=$_gwd_value; export PGSSLCERT ;;
                sslkey) PGSSLKEY=$_gwd_value; export PGSSLKEY ;;
                connect_timeout) PGCONNECT_TIMEOUT=$_gwd_value; export PGCONNECT_TIMEOUT ;;
                application_name) PGAPPNAME=$_gwd_value; export PGAPPNAME ;;
                target_session_attrs) PGTARGETSESSIONATTRS=$_gwd_value; export PGTARGETSESSIONATTRS ;;
                *) echo "gwd: ignoring URL option '$_gwd_key' (not a libpq option)" >&2 ;;
            esac
        done
        IFS=$_gwd_ifs
    fi
    return 0
}

# Describe where the tools will connect, without the password.
gwd_pg_describe() {
    printf 'database "%s" on %s:%s as user "%s"' \
        "${PGDATABASE:-?}" "${PGHOST:-local socket}" "${PGPORT:-5432}" "${PGUSER:-$(id -un)}"
}
