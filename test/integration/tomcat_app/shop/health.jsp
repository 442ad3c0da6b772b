<%@ page contentType="text/plain" %>ok
